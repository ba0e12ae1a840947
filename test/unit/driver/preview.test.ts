/**
 * The preview through the driver, with in-memory ports: the same refusals as
 * an operation, and nothing but the two helm reads — no lease, no secret, no
 * apply. Which parts roll is `rolls.test.ts`; the real helm and chart are in
 * test/integration/diff.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { createDriver } from '../../../src/driver/operations.js';
import { Conflict, NotFound, NotSupported } from '../../../src/errors.js';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import { minimalSpec } from '../../support/spec.js';
import { fakePorts } from './fakes.js';

const RELEASE = 'k8s-cluster-abcdefghij23';

function spec(cluster: Partial<SpecInput['cluster']> = {}, kubeVersion = 'v1.31.4'): Spec {
  const base = minimalSpec();
  return Spec.parse({
    ...base,
    cluster: { ...base.cluster, stack_id: RELEASE, status: 'CREATE_COMPLETE', ...cluster },
    resolved: { ...base.resolved, image: { ...base.resolved!.image, kube_version: kubeVersion } },
  });
}

const controlPlane = (version: string, replicas: number) =>
  `---\napiVersion: controlplane.cluster.x-k8s.io/v1beta1\nkind: KubeadmControlPlane\nmetadata:\n  name: ${RELEASE}-control-plane\nspec:\n  version: ${version}\n  replicas: ${replicas}\n`;

function setup() {
  const ports = fakePorts();
  const driver = createDriver({ config: parseConfig({}), ...ports });
  return { ...ports, driver };
}

describe('diffCluster', () => {
  it('reads the recorded manifest and the dry run, and nothing else: no lease, no secret, no apply', async () => {
    const { driver, events, leaseLog, state } = setup();
    state.recorded = controlPlane('v1.31.4', 1);
    state.dryRun = controlPlane('v1.31.4', 3);
    const diff = await driver.diffCluster(spec());
    expect(diff).toMatchObject({ stack_id: RELEASE, changed: [{ kind: 'KubeadmControlPlane', paths: ['spec.replicas'] }], rolls: [], summary: 'nothing rolls' });
    expect(events).toEqual(['plan default-master=1,default-worker=2 masters=1', `helm get manifest ${RELEASE}`, `helm dry run ${RELEASE}`]);
    expect(leaseLog).toEqual([]);
  });

  it.each([
    { name: 'a cluster with no release yet', cluster: { stack_id: null }, error: Conflict, message: /cannot preview: the cluster has no release yet/ },
    { name: 'a cluster being deleted', cluster: { status: 'DELETE_IN_PROGRESS' as const }, error: Conflict, message: /cannot preview: the cluster is being deleted/ },
  ])('refuses $name before any helm call', async ({ cluster, error, message }) => {
    const { driver, events } = setup();
    await expect(driver.diffCluster(spec(cluster))).rejects.toThrow(error);
    await expect(driver.diffCluster(spec(cluster))).rejects.toThrow(message);
    expect(events.filter((e) => e.startsWith('helm'))).toEqual([]);
  });

  it('answers 404 when helm records no such release', async () => {
    const { driver, events } = setup();
    await expect(driver.diffCluster(spec())).rejects.toThrow(NotFound);
    expect(events).not.toContain(`helm dry run ${RELEASE}`);
  });

  it('refuses, before the dry run, a spec that would move the recorded control plane back or skip a minor', async () => {
    const { driver, events, state } = setup();
    state.recorded = controlPlane('v1.32.2', 1);
    await expect(driver.diffCluster(spec({}, 'v1.31.4'))).rejects.toThrow(NotSupported);
    await expect(driver.diffCluster(spec({}, 'v1.34.0'))).rejects.toThrow(/one minor version at a time/);
    expect(events).not.toContain(`helm dry run ${RELEASE}`);
    // One minor up is what an upgrade would do: previewed.
    state.dryRun = controlPlane('v1.33.1', 1);
    await expect(driver.diffCluster(spec({}, 'v1.33.1'))).resolves.toMatchObject({ rolls: [{ part: 'control_plane', reasons: ['Kubernetes v1.32.2 → v1.33.1'] }] });
  });
});
