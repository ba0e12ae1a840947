import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { createDriver } from '../../../src/driver/operations.js';
import { releaseNameFor, suffixForUuid } from '../../../src/driver/release-name.js';
import { HelmFailed, MagnumRuleViolation } from '../../../src/errors.js';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import type { ReleaseRemains } from '../../../src/status/deletion.js';
import { CLUSTER_UUID, minimalSpec } from '../../support/spec.js';
import { fakePorts } from './fakes.js';

const pair = { cert: 'C', key: 'K' };
const certificates = { ca: pair, etcd: pair, proxy: pair, sa: pair };

function spec(input: Partial<SpecInput> = {}, cluster: Partial<SpecInput['cluster']> = {}): Spec {
  const base = minimalSpec({ certificates, ...input });
  return Spec.parse({ ...base, cluster: { ...base.cluster, ...cluster } });
}

function setup() {
  const ports = fakePorts();
  const driver = createDriver({ config: parseConfig({}), ...ports, now: () => new Date('2026-01-01T00:00:00Z') });
  return { ...ports, driver };
}

const RELEASE = `k8s-cluster-${suffixForUuid(CLUSTER_UUID)}`;
const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';

describe('create', () => {
  it('renders, then writes namespace and secrets, then runs helm, and returns the release', async () => {
    const { driver, events } = setup();
    const accepted = await driver.createCluster(spec());
    expect(accepted).toEqual({ stack_id: RELEASE, namespace: NS, revision: 1 });
    expect(events).toEqual([
      'plan default-master=1,default-worker=2 masters=1',
      `namespace ${NS}`,
      `secrets ${RELEASE} +credentials +certificates`,
      `helm apply ${RELEASE}`,
      `helm applied ${RELEASE}`,
    ]);
  });

  it('derives the same release name when retried, and keeps a stack_id Magnum already saved', async () => {
    const { driver } = setup();
    expect((await driver.createCluster(spec())).stack_id).toBe((await driver.createCluster(spec())).stack_id);
    expect((await driver.createCluster(spec({}, { stack_id: 'kept-abcdefghijkl' }))).stack_id).toBe('kept-abcdefghijkl');
  });

  it('changes nothing when the chart cannot be fetched', async () => {
    const ports = fakePorts();
    const driver = createDriver({
      config: parseConfig({}),
      ...ports,
      prepareChart: async () => {
        throw new HelmFailed('helm pull exit 1: repository cannot be reached');
      },
    });
    await expect(driver.createCluster(spec())).rejects.toBeInstanceOf(HelmFailed);
    expect(ports.events.filter((e) => !e.startsWith('plan'))).toEqual([]);
  });

  it('changes nothing when a Magnum rule is broken', async () => {
    const { driver, events, state } = setup();
    state.planError = new MagnumRuleViolation('Flavor m1.tiny does not have enough RAM to run Kubernetes. Minimum 2048 MB required.');
    await expect(driver.createCluster(spec())).rejects.toBeInstanceOf(MagnumRuleViolation);
    expect(events).toEqual([]);
  });

  it.each([
    ['credentials', { credentials: undefined }],
    ['certificates', { certificates: undefined }],
  ])('refuses a create without %s, changing nothing', async (field, patch) => {
    const { driver, events } = setup();
    await expect(driver.createCluster(spec(patch as Partial<SpecInput>))).rejects.toMatchObject({ statusCode: 400, field });
    expect(events).toEqual([]);
  });
});

describe('operations on an existing release', () => {
  const existing = (input: Partial<SpecInput> = {}, cluster: Partial<SpecInput['cluster']> = {}) =>
    spec({ credentials: undefined, certificates: undefined, ...input }, { stack_id: RELEASE, status: 'CREATE_COMPLETE', ...cluster });

  it.each([
    ['update', (d: ReturnType<typeof setup>['driver'], s: Spec) => d.updateCluster(s)],
    ['resize', (d: ReturnType<typeof setup>['driver'], s: Spec) => d.resizeCluster({ spec: s, node_count: 3, nodes_to_remove: [], nodegroup: 'default-worker' })],
    ['upgrade', (d: ReturnType<typeof setup>['driver'], s: Spec) => d.upgradeCluster({ spec: s })],
    ['node group update', (d: ReturnType<typeof setup>['driver'], s: Spec) => d.updateNodeGroup(s, 'default-worker')],
  ])('%s refuses a cluster with no release (409) or being deleted (409)', async (_name, call) => {
    const { driver, events } = setup();
    await expect(call(driver, existing({}, { stack_id: null }))).rejects.toMatchObject({ statusCode: 409, field: 'cluster.stack_id' });
    await expect(call(driver, existing({}, { status: 'DELETE_IN_PROGRESS' }))).rejects.toMatchObject({ statusCode: 409, field: 'cluster.status' });
    expect(events).toEqual([]);
  });

  it('rotate reads the credential in use before applying the new one, and names it as replaced', async () => {
    const { driver, events, state } = setup();
    state.appCredId = 'ac-old';
    const rotating = existing({ credentials: { clouds_yaml: 'clouds: {}', cacert: null, application_credential_id: 'ac-new' } });
    await expect(driver.rotateCredential(rotating)).resolves.toMatchObject({ stack_id: RELEASE, replaced_application_credential_id: 'ac-old' });
    expect(events.indexOf('read app cred')).toBeLessThan(events.indexOf(`secrets ${RELEASE} +credentials`));
    // A repeated rotation with the same credential replaces nothing: the shim must not delete what is in use.
    state.appCredId = 'ac-new';
    await expect(driver.rotateCredential(rotating)).resolves.toMatchObject({ replaced_application_credential_id: null });
  });

  it('update without credentials runs helm only', async () => {
    const { driver, events } = setup();
    await driver.updateCluster(existing());
    expect(events).toEqual(['plan default-master=1,default-worker=2 masters=1', `helm apply ${RELEASE}`, `helm applied ${RELEASE}`]);
  });

  it.each([
    ['the worker group by name', 'default-worker', 'plan default-master=1,default-worker=5 masters=1'],
    ['the worker group by uuid', '22222222-2222-2222-2222-222222222222', 'plan default-master=1,default-worker=5 masters=1'],
    ['the control plane', 'default-master', 'plan default-master=1,default-worker=2 masters=5'],
  ])('resize of %s renders the new count', async (_name, nodegroup, planned) => {
    const { driver, events } = setup();
    await driver.resizeCluster({ spec: existing(), node_count: 5, nodes_to_remove: [], nodegroup });
    expect(events[0]).toBe(planned);
  });

  it('resize marks the nodes to remove before helm scales down', async () => {
    const ports = fakePorts();
    const marked: string[][] = [];
    const driver = createDriver({
      config: parseConfig({}),
      ...ports,
      markNodesForRemoval: async (_ref, group, nodes) => {
        ports.events.push(`mark ${group}`);
        marked.push(nodes);
        return nodes.length;
      },
    });
    await driver.resizeCluster({ spec: existing(), node_count: 1, nodes_to_remove: ['server-a'], nodegroup: 'default-worker' });
    expect(marked).toEqual([['server-a']]);
    expect(ports.events.indexOf('mark default-worker')).toBeLessThan(ports.events.indexOf(`helm apply ${RELEASE}`));
  });

  it('leaves node groups being deleted out of every render', async () => {
    const { driver, planned } = setup();
    const s = existing();
    s.nodegroups.push({ ...s.nodegroups[1]!, uuid: 'x', name: 'gpu', status: 'DELETE_IN_PROGRESS', is_default: false });
    await driver.updateCluster(s);
    expect(planned[0]!.nodegroups.map((n) => n.name)).toEqual(['default-master', 'default-worker']);
  });

  it('node group delete renders without that group, and refuses a default group', async () => {
    const { driver, planned } = setup();
    const s = existing();
    s.nodegroups.push({ ...s.nodegroups[1]!, uuid: 'x', name: 'gpu', is_default: false });
    await driver.deleteNodeGroup(s, 'gpu');
    expect(planned[0]!.nodegroups.map((n) => n.name)).toEqual(['default-master', 'default-worker']);
    await expect(driver.deleteNodeGroup(s, 'default-worker')).rejects.toMatchObject({ statusCode: 422, code: 'not_supported' });
  });

  it.each([
    ['v1.30.2', 'v1.31.4', true],
    ['v1.31.4', 'v1.31.4', true],
    ['v1.31.4', 'v1.30.9', false],
    ['v1.29.0', 'v1.31.4', false],
    [null, 'v1.31.4', true],
  ])('upgrade from %s to %s allowed: %s', async (current, target, allowed) => {
    const { driver, events, state } = setup();
    state.version = current;
    const s = existing();
    s.resolved.image.kube_version = target;
    const run = driver.upgradeCluster({ spec: s });
    if (allowed) {
      await run;
      expect(events).toContain(`helm applied ${RELEASE}`);
    } else {
      await expect(run).rejects.toMatchObject({ statusCode: 422, code: 'not_supported' });
      expect(events).toEqual([]);
    }
  });

  it('runs two operations on one cluster one after the other', async () => {
    const { driver, events, state } = setup();
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const first = driver.updateCluster(existing());
    const second = driver.resizeCluster({ spec: existing(), node_count: 4, nodes_to_remove: [], nodegroup: 'default-worker' });
    await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.startsWith('helm apply'))).toHaveLength(1);
    open();
    await Promise.all([first, second]);
    expect(events.filter((e) => e.startsWith('helm'))).toEqual([
      `helm apply ${RELEASE}`, `helm applied ${RELEASE}`, `helm apply ${RELEASE}`, `helm applied ${RELEASE}`,
    ]);
  });
});

describe('the Kubernetes version guard on every path that runs helm', () => {
  const at = (kube: string, input: Partial<SpecInput> = {}) => {
    const s = spec(input, { stack_id: RELEASE, status: 'UPDATE_IN_PROGRESS' });
    s.resolved.image.kube_version = kube;
    return s;
  };
  const withGpu = (s: Spec) => ({ ...s, nodegroups: [...s.nodegroups, { ...s.nodegroups[1]!, uuid: 'g', name: 'gpu', is_default: false }] });
  const paths: [string, (d: ReturnType<typeof setup>['driver'], s: Spec) => Promise<unknown>][] = [
    ['create', (d, s) => d.createCluster(s)],
    ['update', (d, s) => d.updateCluster(s)],
    ['resize', (d, s) => d.resizeCluster({ spec: s, node_count: 3, nodes_to_remove: [], nodegroup: 'default-worker' })],
    ['node-group create', (d, s) => d.createNodeGroup({ spec: withGpu(s), nodegroup: 'gpu' })],
    ['node-group update', (d, s) => d.updateNodeGroup(withGpu(s), 'gpu')],
    ['node-group delete', (d, s) => d.deleteNodeGroup(withGpu(s), 'gpu')],
    ['credential rotation', (d, s) => d.rotateCredential(s)],
  ];

  it.each(paths)('%s refuses a downgrade below the observed control plane, naming both versions, and changes nothing', async (_name, run) => {
    const { driver, events, state } = setup();
    state.version = 'v1.32.1';
    await expect(run(driver, at('v1.31.4'))).rejects.toMatchObject({ statusCode: 422, code: 'not_supported', message: expect.stringMatching(/^Kubernetes cannot be downgraded\. The cluster runs v1\.32\.1, the new template's image has v1\.31\.4$/) });
    expect(events).toEqual([]);
  });

  it.each(paths)('%s refuses a minor change, which only an upgrade makes', async (_name, run) => {
    const { driver, events, state } = setup();
    state.version = 'v1.31.4';
    await expect(run(driver, at('v1.32.1'))).rejects.toMatchObject({ code: 'not_supported', message: expect.stringMatching(/^Only an upgrade changes the Kubernetes minor version\. The cluster runs v1\.31\.4, this call's image has v1\.32\.1$/) });
    expect(events).toEqual([]);
  });

  it.each(paths)('%s runs helm on the same version', async (_name, run) => {
    const { driver, events, state } = setup();
    state.version = 'v1.31.4';
    await run(driver, at('v1.31.4'));
    expect(events).toContain(`helm applied ${RELEASE}`);
  });

  it('falls back to Magnum\'s coe_version when the cache has no control plane', async () => {
    const { driver, events } = setup();
    const s = at('v1.31.4');
    s.cluster.coe_version = 'v1.32.1';
    await expect(driver.updateCluster(s)).rejects.toMatchObject({ code: 'not_supported' });
    expect(events).toEqual([]);
  });
});

describe('delete and DELETE_COMPLETE', () => {
  const deleting = () => spec({ credentials: undefined, certificates: undefined }, { stack_id: RELEASE, status: 'DELETE_IN_PROGRESS' });

  it('delete uninstalls the release, even when Magnum never saved stack_id', async () => {
    const { driver, events } = setup();
    await driver.deleteCluster(spec({}, { stack_id: null, status: 'DELETE_IN_PROGRESS' }));
    expect(events).toEqual([`helm remove ${releaseNameFor({ uuid: CLUSTER_UUID, name: 'k8s-cluster', stack_id: null })}`]);
  });

  it('refuses to answer status from an unsynced cache', async () => {
    const { driver, state } = setup();
    state.synced = { ok: false, reason: 'watch of Cluster not listed yet' };
    await expect(driver.clusterStatus(deleting())).rejects.toMatchObject({ statusCode: 503 });
  });

  it('stays DELETE_IN_PROGRESS while the cache still holds the Cluster', async () => {
    const { driver, events } = setup();
    const res = await driver.clusterStatus(deleting());
    expect(res.cluster.status).toBe('CREATE_IN_PROGRESS');
    expect(events).toEqual([]);
  });

  const left = (kind: string, name: string, extra: { owned?: boolean; deleting?: boolean } = {}) => ({ kind, namespace: NS, name, owned: false, deleting: false, ...extra });

  // Issue 14, defect 2: the chart keeps the KubeadmControlPlane and OpenStackCluster through helm's uninstall.
  it.each<[string, Partial<ReleaseRemains>, RegExp, string[]]>([
    ['the fresh reads still find the Cluster', { objects: [left('Cluster', RELEASE, { deleting: true })] }, /waiting for 1 objects of the release to go: Cluster .*\(being deleted\)/, []],
    ['objects the chart keeps, left without an owner, are deleted', { objects: [left('KubeadmControlPlane', `${RELEASE}-control-plane`), left('OpenStackCluster', RELEASE)] }, /KubeadmControlPlane .*-control-plane, OpenStackCluster .*; deleting 2 left without an owner/, [`delete KubeadmControlPlane ${RELEASE}-control-plane, OpenStackCluster ${RELEASE}`]],
    ['owned objects are left to their owner', { objects: [left('Machine', 'm1', { owned: true })] }, /Machine .*m1/, []],
    ['helm still records the release', { releasePresent: true, objects: [left('OpenStackCluster', RELEASE)] }, /helm release is still recorded/, []],
    ['a kind that cannot be listed (404) proves nothing', { unreadable: ['list manifests.addons.stackhpc.com/v1alpha1: HTTP 404'] }, /cannot confirm the cluster is gone: list manifests/, []],
  ])('stays DELETE_IN_PROGRESS when %s, and keeps the secrets', async (_name, remains, reason, deletes) => {
    const { driver, events, state } = setup();
    state.clusterAbsent = true;
    state.status = 'DELETE_IN_PROGRESS';
    state.remains = async () => ({ releasePresent: false, objects: [], unreadable: [], ...remains });
    const res = await driver.clusterStatus(deleting());
    expect(res.cluster.status).toBe('DELETE_IN_PROGRESS');
    expect(res.cluster.status_reason).toMatch(reason);
    expect(events).toEqual([`fresh reads ${RELEASE}`, ...deletes]);
  });

  // Issue 14: an answer the shim lost leaves the cluster in progress; helm's record is part of what decides it.
  const lostCreate = () => spec({ credentials: undefined, certificates: undefined }, { stack_id: RELEASE, status: 'CREATE_IN_PROGRESS', status_reason: 'outcome unknown: create: ReadTimeout' });

  it('asks helm about an operation whose answer was lost, and fails it in helm\'s words', async () => {
    const { driver, events, state } = setup();
    state.latest = { revision: 1, status: 'failed', description: 'Release "x" failed: the server rejected it', unlocked: false };
    const res = await driver.clusterStatus(lostCreate());
    expect(res.cluster).toMatchObject({ status: 'CREATE_FAILED', status_reason: 'helm failed the create (revision 1): Release "x" failed: the server rejected it' });
    expect(events).toEqual([`helm history ${RELEASE}`]);
  });

  it('asks helm about nothing else: a status call costs no request', async () => {
    const { driver, events } = setup();
    await driver.clusterStatus(spec({ credentials: undefined, certificates: undefined }, { stack_id: RELEASE, status: 'CREATE_IN_PROGRESS', status_reason: 'waiting for the control plane' }));
    expect(events).toEqual([]);
  });

  it('never reports DELETE_COMPLETE when the fresh read fails, and keeps the secrets', async () => {
    const { driver, events, state } = setup();
    state.clusterAbsent = true;
    state.remains = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    await expect(driver.clusterStatus(deleting())).rejects.toThrow('ECONNREFUSED');
    expect(events.some((e) => e.startsWith('delete secrets'))).toBe(false);
  });

  it('reports DELETE_COMPLETE after a confirmed absence, with the credential id, and deletes the secrets', async () => {
    const { driver, events, state } = setup();
    state.clusterAbsent = true;
    const res = await driver.clusterStatus(deleting());
    expect(res.cluster.status).toBe('DELETE_COMPLETE');
    expect(res.application_credential_id).toBe('ac-123');
    expect(events).toEqual([`fresh reads ${RELEASE}`, 'read app cred', `delete secrets ${NS} ${CLUSTER_UUID}`]);
  });
});

describe('server groups', () => {
  const existing = () => spec({ credentials: undefined, certificates: undefined }, { stack_id: RELEASE, status: 'CREATE_COMPLETE' });
  const withGpu = (s: Spec) => ({ ...s, nodegroups: [...s.nodegroups, { ...s.nodegroups[1]!, uuid: 'g', name: 'GPU nodes', is_default: false }] });
  const unresolved = { name: `${RELEASE}-control-plane`, policy: 'anti-affinity' as const, nodegroup: null, id: null };
  const writes: [string, (d: ReturnType<typeof setup>['driver']) => Promise<unknown>][] = [
    ['create', (d) => d.createCluster(spec())],
    ['update', (d) => d.updateCluster(existing())],
    ['resize', (d) => d.resizeCluster({ spec: existing(), node_count: 3, nodes_to_remove: [], nodegroup: 'default-worker' })],
    ['upgrade', (d) => d.upgradeCluster({ spec: existing() })],
    ['node-group create', (d) => d.createNodeGroup({ spec: withGpu(existing()), nodegroup: 'GPU nodes' })],
    ['credential rotation', (d) => d.rotateCredential({ ...existing(), credentials: { clouds_yaml: 'clouds: {}', cacert: null, application_credential_id: 'ac-new' } })],
  ];

  it.each(writes)('%s without the ids of the server groups the labels ask for is refused, and nothing is written', async (_name, run) => {
    const { driver, events, state } = setup();
    state.serverGroups = [unresolved];
    await expect(run(driver)).rejects.toMatchObject({ statusCode: 400, field: 'resolved.server_groups', message: expect.stringContaining(`(${RELEASE}-control-plane)`) });
    expect(events.filter((e) => !e.startsWith('plan') && e !== 'read app cred')).toEqual([]);
  });

  it('the dry run answers the groups to create, with no id yet', async () => {
    const { driver, state } = setup();
    state.serverGroups = [unresolved];
    await expect(driver.render(spec())).resolves.toMatchObject({ server_groups: [unresolved] });
  });

  it('a status answer names the server groups of node groups reported gone', async () => {
    const { driver, state } = setup();
    state.status = 'UPDATE_IN_PROGRESS';
    state.deletedNodegroups = ['GPU nodes'];
    const res = await driver.clusterStatus(withGpu(existing()));
    expect(res.server_groups_to_delete).toEqual([`${RELEASE}-gpu-nodes`]);
    state.deletedNodegroups = [];
    expect((await driver.clusterStatus(withGpu(existing()))).server_groups_to_delete).toBeUndefined();
  });

  it('DELETE_COMPLETE names every server group the cluster could have had', async () => {
    const { driver, state } = setup();
    state.clusterAbsent = true;
    const deleting = withGpu(spec({ credentials: undefined, certificates: undefined }, { stack_id: RELEASE, status: 'DELETE_IN_PROGRESS' }));
    const res = await driver.clusterStatus(deleting);
    expect(res.cluster.status).toBe('DELETE_COMPLETE');
    expect(res.server_groups_to_delete).toEqual([`${RELEASE}-control-plane`, `${RELEASE}-default-worker`, `${RELEASE}-gpu-nodes`]);
  });
});
