/**
 * The issue-17 values rendered by the real `openstack-cluster` chart (the
 * packaged archives in ../shared/reference/charts) with the real helm 3, no
 * API server: the objects Cluster API and the addon provider will read carry
 * the OIDC and audit flags, the policy file and its volumes, the cipher
 * suites, the node labels and taints, and the Manila and Cilium values.
 */
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_POLICY_FILE } from '../../../src/values/audit.js';
import { packagedVersions, skipNotice } from '../../support/chart-repo.js';
import { CHARTS, find, kcpSpec, kctSpec, renderObjects, type K8sObject } from './chart-render.js';
import { fixture } from './helpers.js';

if (!CHARTS) process.stderr.write(`${skipNotice('test/unit/values/rendered.test.ts')}\n`);

const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/'));

describe.skipIf(!CHARTS)('issue-17 values rendered by the real chart', () => {
  const secure = fixture('secure');
  const release = secure.cluster.stack_id!;
  let objects: K8sObject[];

  beforeAll(async () => {
    objects = await renderObjects(secure, '0.27.0');
  });

  it('the API servers get the OIDC flags', () => {
    expect(kcpSpec(objects, release).clusterConfiguration.apiServer.extraArgs).toMatchObject({
      'oidc-issuer-url': 'https://idp.example.test/realms/cloud',
      'oidc-client-id': 'kubernetes',
      'oidc-groups-claim': 'roles',
      // The chart's defaults for what the labels leave unset.
      'oidc-username-claim': 'sub',
      'oidc-username-prefix': 'oidc:',
      'oidc-signing-algs': 'RS256',
    });
  });

  it('the API servers and every kubelet get their cipher suites, beside the chart\'s own arguments', () => {
    const kcs = kcpSpec(objects, release);
    expect(kcs.clusterConfiguration.apiServer.extraArgs['tls-cipher-suites']).toBe('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    const kubelet = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';
    for (const args of [kcs.initConfiguration.nodeRegistration.kubeletExtraArgs, kcs.joinConfiguration.nodeRegistration.kubeletExtraArgs, kctSpec(objects, release, 'default-worker').joinConfiguration.nodeRegistration.kubeletExtraArgs, kctSpec(objects, release, 'gpu').joinConfiguration.nodeRegistration.kubeletExtraArgs]) {
      expect(args).toMatchObject({ 'tls-cipher-suites': kubelet, 'cloud-provider': 'external' });
    }
  });

  it('the group\'s kubelet registers its node labels and taints; the other group gets none', () => {
    const gpu = kctSpec(objects, release, 'gpu').joinConfiguration.nodeRegistration;
    expect(gpu.kubeletExtraArgs['node-labels']).toBe('capi.stackhpc.com/node-group=gpu,example.com/accelerator=nvidia,node.kubernetes.io/role=gpu');
    expect(gpu.taints).toEqual([
      { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
      { key: 'example.com/dedicated', effect: 'PreferNoSchedule' },
    ]);
    const other = kctSpec(objects, release, 'default-worker').joinConfiguration.nodeRegistration;
    expect(other.kubeletExtraArgs['node-labels']).toBe('capi.stackhpc.com/node-group=default-worker');
    expect(other.taints).toBeUndefined();
  });

  it('the Cilium release values turn on Hubble relay and UI', () => {
    const config = find(objects, 'Secret', `${release}-cni-cilium-config`);
    expect(load(config.stringData!.overrides!)).toMatchObject({ hubble: { enabled: true, relay: { enabled: true }, ui: { enabled: true } } });
    expect(find(objects, 'HelmRelease', `${release}-cni-cilium`).spec!.releaseName).toBe('cni-cilium');
  });

  it('Manila: the CSI release and one NFS storage class per share type with the share network', () => {
    expect(find(objects, 'HelmRelease', `${release}-csi-manila`).spec!.releaseName).toBe('csi-manila');
    const sources = find(objects, 'Manifests', `${release}-csi-manila-storageclass`).spec!.manifestSources as { template: string }[];
    const classes = sources.slice(1).map((s) => load(s.template) as { metadata: { name: string }; provisioner: string; parameters: Record<string, string> });
    expect(classes.map((c) => [c.metadata.name, c.provisioner, c.parameters.type, c.parameters.shareNetworkID])).toEqual([
      ['share-default', 'nfs.manila.csi.openstack.org', 'default', '5e3a0a56-8f0e-4c9b-9d55-0a3c1f6b2e11'],
      ['share-cephfs-gold', 'nfs.manila.csi.openstack.org', 'CephFS Gold', '5e3a0a56-8f0e-4c9b-9d55-0a3c1f6b2e11'],
    ]);
  });

  /**
   * The acceptance check of audit logging: the policy file, the flags and the
   * mounts must agree, or the API server does not start (a policy it cannot
   * read) or logs into its container's throw-away filesystem (a log
   * directory not mounted). On every packaged chart version.
   */
  it.each(CHARTS ? packagedVersions(CHARTS) : [])('chart %s: the audit policy file, the --audit-* flags and the mounts agree', async (version) => {
    const rendered = version === '0.27.0' ? objects : await renderObjects(secure, version);
    const kcs = kcpSpec(rendered, release);
    const args = kcs.clusterConfiguration.apiServer.extraArgs;
    const volumes = kcs.clusterConfiguration.apiServer.extraVolumes;
    expect(args['audit-policy-file']).toBe(AUDIT_POLICY_FILE);
    expect(args).toMatchObject({ 'audit-log-maxage': '7', 'audit-log-maxbackup': '10', 'audit-log-maxsize': '100' });
    // kubeadm writes the file on the host; the API server's pod sees it through a host-path volume of its directory.
    const file = kcs.files.find((f) => f.path === args['audit-policy-file']);
    expect(file?.permissions).toBe('0600');
    expect(load(file!.content!)).toMatchObject({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy' });
    const policyMount = volumes.find((v) => v.mountPath === dirOf(args['audit-policy-file']!));
    expect(policyMount).toMatchObject({ hostPath: dirOf(AUDIT_POLICY_FILE), readOnly: true });
    const logMount = volumes.find((v) => v.mountPath === dirOf(args['audit-log-path']!));
    expect(logMount).toMatchObject({ hostPath: dirOf(args['audit-log-path']!), readOnly: false });
    // The chart's own admission-configuration volume and file are still there: lists were concatenated, not replaced.
    expect(volumes.map((v) => v.name)).toContain('admission-configuration');
    expect(new Set(volumes.map((v) => v.name)).size).toBe(volumes.length);
  });

  it('a site audit policy reaches the control plane as written', async () => {
    const auditPolicy = { apiVersion: 'audit.k8s.io/v1' as const, kind: 'Policy' as const, rules: [{ level: 'Request' as const, resources: [{ group: 'apps' }] }, { level: 'Metadata' as const }] };
    const rendered = await renderObjects(secure, '0.27.0', { auditPolicy });
    const file = kcpSpec(rendered, release).files.find((f) => f.path === AUDIT_POLICY_FILE);
    expect(load(file!.content!)).toEqual(auditPolicy);
  });
});
