/**
 * deploy/sidecar.yaml against the real API server: the whole file passes a
 * server-side dry run, and, once its RBAC objects exist, the service account
 * can do exactly what the sidecar and helm need and not more.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const KUBECTL = join(ROOT, '.tools/helm3/kubectl');
const MANIFESTS = join(ROOT, 'deploy/sidecar.yaml');
type Obj = { kind: string; metadata: { name: string }; spec?: any };
const DOCS = (loadAll(readFileSync(MANIFESTS, 'utf8')) as (Obj | null)[]).filter((d): d is Obj => d !== null);
const SA = 'system:serviceaccount:magnum-capi-sidecar:magnum-capi-sidecar';

function kubectl(args: string[], input?: string) {
  return execa(KUBECTL, ['--kubeconfig', inject('kubeconfig'), ...args], { reject: false, ...(input === undefined ? {} : { input }) });
}

/** Answers "yes"/"no" for the service account in a project namespace. */
async function canI(verb: string, resource: string, namespace = 'magnum-0123abcd'): Promise<boolean> {
  const r = await kubectl(['auth', 'can-i', verb, resource, '--as', SA, '-n', namespace]);
  if (r.stdout.trim() !== 'yes' && r.stdout.trim() !== 'no') throw new Error(`can-i ${verb} ${resource}: ${r.stderr}`);
  return r.stdout.trim() === 'yes';
}

const READ = ['get', 'list', 'watch'];
const HELM = ['get', 'list', 'create', 'update', 'patch', 'delete'];

/** What the sidecar does itself (kube/), and what helm does with the chart's objects. */
const NEEDED: [string, string[]][] = [
  ['namespaces', ['get', 'list', 'watch', 'create', 'patch']],
  ['secrets', [...READ, 'create', 'update', 'patch', 'delete', 'deletecollection']],
  ['configmaps', HELM],
  ['clusters.cluster.x-k8s.io', [...READ, ...HELM]],
  ['machinedeployments.cluster.x-k8s.io', [...READ, ...HELM]],
  ['machinehealthchecks.cluster.x-k8s.io', HELM],
  ['machines.cluster.x-k8s.io', READ],
  ['kubeadmcontrolplanes.controlplane.cluster.x-k8s.io', [...READ, ...HELM]],
  ['kubeadmconfigtemplates.bootstrap.cluster.x-k8s.io', HELM],
  ['openstackclusters.infrastructure.cluster.x-k8s.io', [...READ, ...HELM]],
  ['openstackmachinetemplates.infrastructure.cluster.x-k8s.io', HELM],
  ['openstackmachines.infrastructure.cluster.x-k8s.io', READ],
  ['helmreleases.addons.stackhpc.com', [...READ, ...HELM]],
  ['manifests.addons.stackhpc.com', [...READ, ...HELM]],
];

/** Nothing the sidecar has any use for. */
const REFUSED: [string, string][] = [
  ['delete', 'namespaces'],
  ['create', 'pods'],
  ['get', 'nodes'],
  ['create', 'clusterroles.rbac.authorization.k8s.io'],
  ['create', 'rolebindings.rbac.authorization.k8s.io'],
  ['delete', 'machines.cluster.x-k8s.io'],
  ['create', 'customresourcedefinitions.apiextensions.k8s.io'],
  ['impersonate', 'serviceaccounts'],
];

describe('deploy/sidecar.yaml', () => {
  it('passes kubectl apply --dry-run=server as a whole', async () => {
    // Objects in the new namespace are checked by the server only once it exists.
    await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: magnum-capi-sidecar}\n');
    const r = await kubectl(['apply', '--dry-run=server', '-f', MANIFESTS]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const applied = r.stdout.split('\n').filter(Boolean).map((l) => l.replace(/ (created|configured|unchanged) \(server dry run\)$/, ''));
    expect(applied.sort()).toEqual([
      'clusterrole.rbac.authorization.k8s.io/magnum-capi-sidecar',
      'clusterrolebinding.rbac.authorization.k8s.io/magnum-capi-sidecar',
      'configmap/magnum-capi-sidecar',
      'deployment.apps/magnum-capi-sidecar',
      'namespace/magnum-capi-sidecar',
      'secret/magnum-capi-sidecar-tokens',
      'service/magnum-capi-sidecar',
      'serviceaccount/magnum-capi-sidecar',
    ]);
  });

  it('runs one replica with liveness on /healthz and readiness on /readyz, as a non-root user', () => {
    const deployment = DOCS.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBe(1);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.serviceAccountName).toBe('magnum-capi-sidecar');
  });

  describe('RBAC of the service account', () => {
    beforeAll(async () => {
      // Only the identity objects are created for real: nothing else could run here.
      const identity = DOCS.filter((d) => ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'].includes(d.kind));
      expect(identity).toHaveLength(4);
      const r = await kubectl(['apply', '-f', '-'], identity.map((d) => JSON.stringify(d)).join('\n'));
      if (r.exitCode !== 0) throw new Error(`applying the ServiceAccount and RBAC failed: ${r.stderr}`);
    });

    it.each(NEEDED.flatMap(([resource, verbs]) => verbs.map((verb) => [verb, resource] as const)))(
      'may %s %s in any project namespace', async (verb, resource) => {
        expect(await canI(verb, resource)).toBe(true);
        expect(await canI(verb, resource, 'magnum-ffff0000')).toBe(true);
      },
    );

    it.each(REFUSED)('may not %s %s', async (verb, resource) => {
      expect(await canI(verb, resource)).toBe(false);
    });
  });
});
