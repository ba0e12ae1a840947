/** The driver's use of the release lease: every write inside it, the delete's tombstone, and busy releases. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { createDriver } from '../../../src/driver/operations.js';
import { suffixForUuid } from '../../../src/driver/release-name.js';
import { ReleaseBusy } from '../../../src/errors.js';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import { CLUSTER_UUID, minimalSpec } from '../../support/spec.js';
import { fakePorts } from './fakes.js';

const pair = { cert: 'C', key: 'K' };
const certificates = { ca: pair, etcd: pair, proxy: pair, sa: pair };
const RELEASE = `k8s-cluster-${suffixForUuid(CLUSTER_UUID)}`;

function spec(cluster: Partial<SpecInput['cluster']> = {}, input: Partial<SpecInput> = {}): Spec {
  const base = minimalSpec({ certificates, ...input });
  return Spec.parse({ ...base, cluster: { ...base.cluster, ...cluster } });
}
const existing = () => spec({ stack_id: RELEASE, status: 'UPDATE_IN_PROGRESS' }, { credentials: undefined, certificates: undefined });
const deleting = () => spec({ stack_id: null, status: 'DELETE_IN_PROGRESS' }, { credentials: undefined, certificates: undefined });

function setup() {
  const ports = fakePorts();
  return { ...ports, driver: createDriver({ config: parseConfig({}), ...ports }) };
}

type Driver = ReturnType<typeof setup>['driver'];

describe('the release lease around each mutating call', () => {
  it.each<[string, (d: Driver) => Promise<unknown>]>([
    ['create', (d) => d.createCluster(spec())],
    ['update', (d) => d.updateCluster(existing())],
    ['resize', (d) => d.resizeCluster({ spec: existing(), node_count: 4, nodes_to_remove: [], nodegroup: 'default-worker' })],
    ['upgrade', (d) => d.upgradeCluster({ spec: existing() })],
    ['node group update', (d) => d.updateNodeGroup(existing(), 'default-worker')],
    ['rotate credential', (d) => d.rotateCredential({ ...existing(), credentials: { clouds_yaml: 'clouds: {}', cacert: null, application_credential_id: 'ac-2' } })],
    ['delete', (d) => d.deleteCluster(deleting())],
  ])('%s takes the lease before its first write and releases it after its last', async (_name, call) => {
    const { driver, events, leaseLog } = setup();
    await call(driver);
    const writes = events.length;
    expect(writes).toBeGreaterThan(0);
    expect(leaseLog[0]).toBe(`take ${RELEASE} @0`);
    expect(leaseLog.at(-1)).toBe(`release ${RELEASE} @${writes}`);
  });

  it('a release busy elsewhere is ReleaseBusy (503) and nothing is written', async () => {
    const { driver, events, state } = setup();
    state.leaseBusy = true;
    await expect(driver.updateCluster(existing())).rejects.toBeInstanceOf(ReleaseBusy);
    await expect(driver.createCluster(spec())).rejects.toMatchObject({ statusCode: 503, code: 'release_busy' });
    expect(events).toEqual([]);
  });
});

describe('a delete leaves a tombstone that refuses later writes', () => {
  it('the tombstone goes down before the release is removed', async () => {
    const { driver, events, leaseLog } = setup();
    await driver.deleteCluster(deleting());
    expect(leaseLog).toEqual([`take ${RELEASE} @0`, `tombstone ${RELEASE} ${CLUSTER_UUID} @0`, `release ${RELEASE} @1`]);
    expect(events).toEqual([`helm remove ${RELEASE}`]);
  });

  it.each<[string, (d: Driver) => Promise<unknown>]>([
    ['create', (d) => d.createCluster(spec())],
    ['update', (d) => d.updateCluster(existing())],
    ['resize', (d) => d.resizeCluster({ spec: existing(), node_count: 4, nodes_to_remove: [], nodegroup: 'default-worker' })],
    ['node group create', (d) => d.createNodeGroup({ spec: existing(), nodegroup: 'default-worker' })],
  ])('a %s that arrives after the delete is 409 and changes nothing', async (_name, call) => {
    const { driver, events } = setup();
    await driver.deleteCluster(deleting());
    events.length = 0;
    await expect(call(driver)).rejects.toMatchObject({ statusCode: 409, code: 'conflict', field: 'cluster.uuid' });
    expect(events).toEqual([]);
  });

  it('a create queued behind a delete on the same replica is refused, whichever arrived first on the wire', async () => {
    const { driver, events, state } = setup();
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    // A create holding the lease, a delete queued behind it, then a retried create behind both.
    const first = driver.createCluster(spec());
    const removal = driver.deleteCluster(deleting());
    const late = driver.createCluster(spec());
    open();
    await first;
    await removal;
    await expect(late).rejects.toMatchObject({ statusCode: 409 });
    expect(events.filter((e) => e.startsWith('helm'))).toEqual([`helm apply ${RELEASE}`, `helm applied ${RELEASE}`, `helm remove ${RELEASE}`]);
  });

  it('a repeated delete is still allowed', async () => {
    const { driver, events } = setup();
    await driver.deleteCluster(deleting());
    await driver.deleteCluster(deleting());
    expect(events).toEqual([`helm remove ${RELEASE}`, `helm remove ${RELEASE}`]);
  });
});
