/**
 * The preview (`POST /v1/clusters/{uuid}/diff`) on the real chart, with the
 * real helm 3 and 4 and the real API server: helm's server-side dry run of
 * the next operation against the live release, compared with what the release
 * applied. It writes nothing: helm's release records, the cluster's secrets
 * and its Lease are exactly as they were after every preview.
 */
import { CoordinationV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { skipNotice } from '../support/chart-repo.js';
import { forgeRevisionStatus } from './harness/helm-record.js';
import { HELM_BINARIES, kube } from './harness/kube.js';
import { AUTH, ROOT, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/integration/diff.test.ts (the preview on the real chart)'));

const GPU = { uuid: '44444444-4444-4444-8444-444444444444', name: 'gpu', role: 'worker', node_count: 1, flavor_id: 'm1.large', labels: {}, is_default: false, status: 'CREATE_COMPLETE' as const };

describe.skipIf(!REPO).each(HELM_BINARIES)('preview with %s', (label, helm) => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  const leases = k.kc.makeApiClient(CoordinationV1Api);
  let svc: Awaited<ReturnType<typeof startService>>;
  let spec: SpecInput & { cluster: { uuid: string } };
  let stack: string;
  let live: SpecInput;

  beforeAll(async () => {
    svc = await startService(kubeconfig, { helm });
    await svc.waitReady();
    spec = clusterSpec(`diff-${label.replace(/\W/g, '')}`, (s) => {
      s.nodegroups = [...(s.nodegroups ?? []), { ...GPU, status: 'CREATE_IN_PROGRESS' }];
    });
    const created = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(created.statusCode, created.body).toBe(201);
    stack = created.json().stack_id;
    live = withStack(spec, stack, 'CREATE_COMPLETE');
  });
  afterAll(() => svc.close());

  const diff = async (change: (s: SpecInput) => void = () => {}) => {
    const s = structuredClone(live);
    change(s);
    const res = await svc.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/diff`, headers: AUTH, payload: s });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  /**
   * What a write would change: helm's revisions (from helm itself), the secrets helm and the sidecar
   * write for the release (not the ones Cluster API's controllers keep writing) and its Lease, each with its resourceVersion.
   */
  async function writes() {
    const history = await execa(join(ROOT, helm), ['history', stack, '--namespace', NS, '--output', 'json', '--kubeconfig', kubeconfig]);
    const secrets = (await k.core.listNamespacedSecret({ namespace: NS })).items
      .filter((s) => s.metadata!.name!.startsWith(`sh.helm.release.v1.${stack}.`) || s.metadata?.labels?.['magnum.openstack.org/cluster-uuid'] === spec.cluster.uuid)
      .map((s) => `${s.metadata!.name} ${s.metadata!.resourceVersion}`)
      .sort();
    const lease = await leases.readNamespacedLease({ namespace: NS, name: `mcs-release-${stack}` });
    return { history: JSON.parse(history.stdout), secrets, lease: `${lease.spec?.holderIdentity ?? 'free'} ${lease.metadata?.resourceVersion}` };
  }

  it('no change: nothing to create, change or delete, and nothing rolls', async () => {
    const before = await writes();
    expect(before.history).toHaveLength(1);
    expect(before.secrets.some((s) => s.startsWith(`sh.helm.release.v1.${stack}.v1 `))).toBe(true);
    expect(await diff()).toEqual({
      stack_id: stack,
      namespace: NS,
      created: [],
      changed: [],
      deleted: [],
      rolls: [],
      added_nodegroups: [],
      removed_nodegroups: [],
      summary: 'nothing rolls',
    });
    expect(await writes()).toEqual(before);
  });

  it('a new boot volume size rolls the control plane and every node group, each named, and writes nothing', async () => {
    const before = await writes();
    const answer = await diff((s) => {
      s.cluster.labels = { ...s.cluster.labels, boot_volume_size: '50' };
    });
    expect(answer.rolls.map((r: { part: string; name: string }) => `${r.part} ${r.name}`)).toEqual(['control_plane control-plane', 'node_group default-worker', 'node_group gpu']);
    for (const roll of answer.rolls) {
      expect(roll.reasons).toEqual([expect.stringMatching(new RegExp(`^its machine template is renamed ${stack}-\\S+-[0-9a-f]{8} → ${stack}-\\S+-[0-9a-f]{8} \\(its spec changed at spec.template.spec.rootVolume\\)$`))]);
    }
    expect(answer.summary).toMatch(/^The control plane rolls: .* Node group default-worker rolls: .* Node group gpu rolls: /);
    // The old templates stay (the chart keeps them for Cluster API); the new ones are created.
    expect(answer.created.map((o: { kind: string }) => o.kind)).toEqual(['OpenStackMachineTemplate', 'OpenStackMachineTemplate', 'OpenStackMachineTemplate']);
    expect(answer.deleted.every((o: { kind: string; kept: boolean }) => o.kind === 'OpenStackMachineTemplate' && o.kept)).toBe(true);
    expect(await writes()).toEqual(before);
  });

  it('monitoring, a label that only touches addons, creates addons and rolls nothing', async () => {
    const answer = await diff((s) => {
      s.cluster.labels = { ...s.cluster.labels, monitoring_enabled: 'true' };
    });
    expect(answer.rolls).toEqual([]);
    expect(answer.summary).toBe('nothing rolls');
    expect(answer.created).toEqual(expect.arrayContaining([{ kind: 'HelmRelease', name: `${stack}-kube-prometheus-stack` }, { kind: 'HelmRelease', name: `${stack}-loki-stack` }]));
    expect(answer.changed.map((o: { kind: string }) => o.kind)).not.toContain('MachineDeployment');
  });

  it('a resize previews as a replica count alone', async () => {
    const answer = await diff((s) => {
      s.nodegroups = s.nodegroups!.map((g) => (g.name === 'gpu' ? { ...g, node_count: 4 } : g));
    });
    expect(answer).toMatchObject({ created: [], deleted: [], rolls: [], changed: [{ kind: 'MachineDeployment', name: `${stack}-gpu`, paths: ['spec.replicas'] }] });
  });

  it('after a failed upgrade, compares with the last deployed revision, as helm\'s upgrade does', async () => {
    const resized = await svc.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/actions/resize`, headers: AUTH, payload: { spec: live, node_count: 5, nodegroup: 'default-worker' } });
    expect(resized.json().revision, resized.body).toBe(2);
    const five = await diff((s) => {
      s.nodegroups = s.nodegroups!.map((g) => (g.name === 'default-worker' ? { ...g, node_count: 5 } : g));
    });
    expect(five.changed).toEqual([]);
    // As a failed upgrade leaves the record: revision 2 failed, revision 1 still deployed. helm applies the next one over revision 1 (two workers).
    await forgeRevisionStatus(kubeconfig, NS, stack, 2, 'failed');
    await forgeRevisionStatus(kubeconfig, NS, stack, 1, 'deployed');
    expect((await diff()).changed).toEqual([]);
    expect((await diff((s) => {
      s.nodegroups = s.nodegroups!.map((g) => (g.name === 'default-worker' ? { ...g, node_count: 5 } : g));
    })).changed).toEqual([{ kind: 'MachineDeployment', name: `${stack}-default-worker`, paths: ['spec.replicas'] }]);
  });

  it('refuses a cluster with no release, and one whose release helm does not record', async () => {
    const fresh = await svc.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/diff`, headers: AUTH, payload: { ...live, cluster: { ...live.cluster, stack_id: null } } });
    expect(fresh.statusCode).toBe(409);
    const other = clusterSpec('never-installed');
    const unknown = await svc.app.inject({ method: 'POST', url: `/v1/clusters/${other.cluster.uuid}/diff`, headers: AUTH, payload: withStack(other, 'never-installed-abcdefghij23', 'CREATE_COMPLETE') });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json().error.message).toMatch(/no release never-installed-abcdefghij23/);
  });
});
