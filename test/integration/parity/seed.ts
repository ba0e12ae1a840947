/**
 * A cluster as magnum-capi-helm 1.4.0 leaves it in the management cluster,
 * written from its source (driver.py `_k8s_resource_labels`,
 * `_create_appcred_secret`, `_ensure_certificate_secrets`; app_creds.py; helm.py
 * `install_or_upgrade`), not through this project's code: its secrets, named
 * and labelled as it names them, and its release, installed by helm 3 with the
 * argv it runs.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { execa } from 'execa';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { REAL_CHART_VERSION } from '../../support/chart-repo.js';
import { kube } from '../harness/kube.js';
import { ROOT } from '../harness/service.js';
import { NAMESPACE } from './magnum-capi-helm.js';

export const HELM3 = join(ROOT, '.tools/helm3/helm');

/** The Python driver's stack id: the sanitised name, a dash, `short_id.generate_id()`'s 12 of [a-z2-7]. */
export function seedStackId(name: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return `${name}-${[...randomBytes(12)].map((b) => alphabet[b % 32]!).join('')}`;
}

/** create_cluster's secrets, before its helm call: the cloud credentials and the four CAs. */
export async function seedSecrets(kubeconfig: string, spec: SpecInput, stack: string, appCredId: string): Promise<void> {
  const { core } = kube(kubeconfig);
  const labels = {
    'magnum.openstack.org/project-id': spec.cluster.project_id.slice(0, 63),
    'magnum.openstack.org/user-id': spec.cluster.user_id!.slice(0, 63),
    'magnum.openstack.org/cluster-uuid': spec.cluster.uuid.slice(0, 63),
    'cluster.x-k8s.io/cluster-name': stack,
  };
  // yaml.safe_dump of app_creds.py's clouds dict: keys sorted.
  const clouds = [
    'clouds:',
    '  openstack:',
    '    auth:',
    `      application_credential_id: ${appCredId}`,
    '      application_credential_secret: example-not-a-secret',
    '      auth_url: https://keystone.example.test/v3',
    '    identity_api_version: 3',
    '    interface: public',
    '    region_name: RegionOne',
    '    verify: true',
    '',
  ].join('\n');
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } }).catch(() => {});
  await core.createNamespacedSecret({
    namespace: NAMESPACE,
    body: { metadata: { name: `${stack}-cloud-credentials`, labels }, stringData: { cacert: '-----BEGIN CERTIFICATE-----\nseed\n-----END CERTIFICATE-----\n', 'clouds.yaml': clouds } },
  });
  // The cluster's key pairs from Magnum's certificate manager, as the spec carries them (the real bootstrap provider parses them).
  for (const name of ['ca', 'etcd', 'proxy', 'sa'] as const) {
    const pair = spec.certificates?.[name];
    await core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: { metadata: { name: `${stack}-${name}`, labels }, type: 'cluster.x-k8s.io/secret', stringData: { 'tls.crt': pair?.cert ?? `seed ${name} cert`, 'tls.key': pair?.key ?? `TEST-${name}-KEY` } },
    });
  }
}

/** helm.py install_or_upgrade, argv for argv, values as JSON on stdin. */
export async function seedRelease(kubeconfig: string, repo: string, stack: string, values: Record<string, unknown>): Promise<void> {
  await execa(HELM3, [
    'upgrade', stack, 'openstack-cluster', '--history-max', '10', '--install', '--output', 'json', '--timeout', '5m',
    '--values', '-', '--namespace', NAMESPACE, '--repo', repo, '--version', REAL_CHART_VERSION, '--kubeconfig', kubeconfig,
  ], { input: JSON.stringify(values) });
}
