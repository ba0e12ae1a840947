/**
 * deploy/sidecar.yaml (the chart in deploy/chart rendered with its defaults)
 * against the real API server: it is what the chart renders today, the whole
 * file passes a server-side dry run, and, once its RBAC and admission policy
 * objects exist, the service account can do exactly what the sidecar and helm
 * need (the chart's cluster-autoscaler objects and the per-release Leases
 * included) and not more.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadAll } from 'js-yaml';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const KUBECTL = join(ROOT, '.tools/helm3/kubectl');
const MANIFESTS = join(ROOT, 'deploy/sidecar.yaml');
const AUTOSCALER = readFileSync(join(import.meta.dirname, 'chart-autoscaler.yaml'), 'utf8');
type Obj = { kind: string; metadata: { name: string }; spec?: any };
const DOCS = (loadAll(readFileSync(MANIFESTS, 'utf8')) as (Obj | null)[]).filter((d): d is Obj => d !== null);
const SA = 'system:serviceaccount:magnum-capi-sidecar:magnum-capi-sidecar';

function kubectl(args: string[], input?: string) {
  return execa(KUBECTL, ['--kubeconfig', inject('kubeconfig'), ...args], { reject: false, ...(input === undefined ? {} : { input }) });
}

/** kubectl as the sidecar's service account. */
function asSidecar(args: string[], input?: string) {
  return kubectl([...args, '--as', SA], input);
}

async function namespace(name: string): Promise<void> {
  const r = await kubectl(['apply', '-f', '-'], `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`);
  if (r.exitCode !== 0) throw new Error(`namespace ${name}: ${r.stderr}`);
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
  // The per-release Lease that orders the replicas' writes.
  ['leases.coordination.k8s.io', [...READ, 'create', 'update', 'patch', 'delete']],
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
  // The chart's cluster-autoscaler, rendered for every cluster.
  ['deployments.apps', HELM],
  ['serviceaccounts', HELM],
  ['roles.rbac.authorization.k8s.io', HELM],
  ['rolebindings.rbac.authorization.k8s.io', HELM],
];

/** Nothing the sidecar has any use for. */
const REFUSED: [string, string][] = [
  ['delete', 'namespaces'],
  ['create', 'pods'],
  ['get', 'nodes'],
  ['create', 'clusterroles.rbac.authorization.k8s.io'],
  ['create', 'clusterrolebindings.rbac.authorization.k8s.io'],
  ['escalate', 'roles.rbac.authorization.k8s.io'],
  ['bind', 'roles.rbac.authorization.k8s.io'],
  ['bind', 'clusterroles.rbac.authorization.k8s.io'],
  ['create', 'configmaps'],
  ['delete', 'machines.cluster.x-k8s.io'],
  ['create', 'customresourcedefinitions.apiextensions.k8s.io'],
  ['impersonate', 'serviceaccounts'],
];

describe('deploy/sidecar.yaml', () => {
  it('is the chart rendered with its default values, as deploy/render-manifests.mjs writes it', async () => {
    const r = await execa('node', [join(ROOT, 'deploy/render-manifests.mjs'), '--check'], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

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
      'poddisruptionbudget.policy/magnum-capi-sidecar',
      'service/magnum-capi-sidecar',
      'serviceaccount/magnum-capi-sidecar',
      'validatingadmissionpolicy.admissionregistration.k8s.io/magnum-capi-sidecar-namespaces',
      'validatingadmissionpolicybinding.admissionregistration.k8s.io/magnum-capi-sidecar-namespaces',
    ]);
  });

  it('runs three replicas spread across nodes with liveness on /healthz and readiness on /readyz, as a non-root user', () => {
    const deployment = DOCS.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', maxSkew: 1 });
    expect(DOCS.find((o) => o.kind === 'PodDisruptionBudget')!.spec.maxUnavailable).toBe(1);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.serviceAccountName).toBe('magnum-capi-sidecar');
  });

  describe('RBAC of the service account', () => {
    beforeAll(async () => {
      // Only the identity and policy objects are created for real: nothing else could run here.
      const identity = DOCS.filter((d) => ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(d.kind));
      expect(identity).toHaveLength(6);
      const r = await kubectl(['apply', '-f', '-'], identity.map((d) => JSON.stringify(d)).join('\n'));
      if (r.exitCode !== 0) throw new Error(`applying the ServiceAccount, RBAC and policy failed: ${r.stderr}`);
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

    it('creates, as helm does, the cluster-autoscaler objects the chart renders, its Role included', async () => {
      const ns = 'magnum-autoscale01';
      await namespace(ns);
      const r = await asSidecar(['apply', '-n', ns, '-f', '-'], AUTOSCALER.replaceAll('NAMESPACE', ns));
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('role.rbac.authorization.k8s.io/demo-autoscaler created');
      expect(r.stdout).toContain('rolebinding.rbac.authorization.k8s.io/demo-autoscaler created');
      expect(r.stdout).toContain('deployment.apps/demo-autoscaler created');
    });

    it('cannot grant, through a Role or RoleBinding, more than it holds', async () => {
      const ns = 'magnum-autoscale02';
      await namespace(ns);
      const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: more, namespace: ${ns}}
rules: [{apiGroups: [""], resources: [pods], verbs: [create]}]
`;
      const r1 = await asSidecar(['apply', '--dry-run=server', '-f', '-'], role);
      expect(r1.exitCode).not.toBe(0);
      expect(r1.stderr).toMatch(/forbidden.*(escalat|attempting to grant)/i);
      const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: admin, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: default, namespace: ${ns}}]
`;
      const r2 = await asSidecar(['apply', '--dry-run=server', '-f', '-'], binding);
      expect(r2.exitCode).not.toBe(0);
      expect(r2.stderr).toMatch(/forbidden/i);
    });
  });

  describe('admission policy: writes only in the namespaces of Magnum projects', () => {
    const secret = (ns: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: probe, namespace: ${ns}}\nstringData: {a: b}\n`;

    /** The policy is compiled and loaded by the server a moment after it is created. */
    async function refusedInDefault(): Promise<string> {
      for (let i = 0; i < 60; i++) {
        const r = await asSidecar(['apply', '--dry-run=server', '-f', '-'], secret('default'));
        if (r.exitCode !== 0) return r.stderr;
        await sleep(250);
      }
      return '';
    }

    it('refuses a secret, a deployment and a namespace outside them', async () => {
      expect(await refusedInDefault()).toMatch(/magnum-capi-sidecar writes only in the namespaces of Magnum projects.*namespace default/);
      const d = await asSidecar(['create', 'deployment', 'x', '--image', 'busybox', '-n', 'kube-system', '--dry-run=server']);
      expect(d.exitCode).not.toBe(0);
      expect(d.stderr).toMatch(/writes only in the namespaces of Magnum projects/);
      const own = await asSidecar(['apply', '--dry-run=server', '-f', '-'], secret('magnum-capi-sidecar'));
      expect(own.exitCode).not.toBe(0);
      expect(own.stderr).toMatch(/writes only in the namespaces of Magnum projects/);
      const n = await asSidecar(['create', 'namespace', 'kube-other', '--dry-run=server']);
      expect(n.exitCode).not.toBe(0);
      expect(n.stderr).toMatch(/writes only in the namespaces of Magnum projects/);
    });

    it('allows them in magnum-<project id>', async () => {
      expect(await refusedInDefault()).not.toBe('');
      const ns = 'magnum-0123abcd';
      await namespace(ns);
      const s = await asSidecar(['apply', '--dry-run=server', '-f', '-'], secret(ns));
      expect(s.stderr).toBe('');
      expect(s.exitCode).toBe(0);
      const n = await asSidecar(['create', 'namespace', 'magnum-ffff0000', '--dry-run=server']);
      expect(n.stderr).toBe('');
      expect(n.exitCode).toBe(0);
    });
  });
});
