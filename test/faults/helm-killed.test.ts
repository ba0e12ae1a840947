/**
 * helm killed mid-upgrade, through the service: the call that was running
 * fails with a clear 502, and the next call on that cluster recovers the
 * release left pending before applying, instead of failing with "another
 * operation is in progress": it marks the pending revision failed (its
 * holder is gone, the lease free) and upgrades over it, never rolling back.
 */
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ownCluster, type OwnClusterWithCapi } from '../integration/harness/own-cluster.js';
import { createHelmClient } from '../../src/helm/client.js';
import { kube } from '../integration/harness/kube.js';
import { AUTH, ROOT, startService, TEST_CHART } from '../integration/harness/service.js';
import { clusterSpec, withStack } from '../integration/harness/specs.js';
import { skipNotice } from '../support/chart-repo.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/faults/helm-killed.test.ts (recovery of a release whose helm was killed)'));

describe.skipIf(!REPO)('helm killed mid-upgrade', () => {
  let cluster: OwnClusterWithCapi;

  beforeAll(async () => {
    cluster = await ownCluster('helmkill');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the next operation recovers the release', async () => {
    const svc = await startService(cluster.kubeconfigPath);
    await svc.waitReady();
    const spec = clusterSpec('helm-killed', () => {}, cluster.clusterCa);
    const created = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(created.statusCode).toBe(201);
    const stack = created.json().stack_id as string;
    const live = withStack(spec, stack, 'CREATE_COMPLETE');
    await svc.close();

    // A sidecar whose upgrades hang in a pre-upgrade hook that never completes (the hook's Job has no controller here).
    // Only this step uses the fixture chart: the real chart has no hook, and without one helm
    // cannot be caught mid-upgrade reliably. The hook runs before anything is applied, so the
    // cluster's objects stay the real chart's, and the recovery below is the real chart's upgrade.
    const overlay = join(cluster.dir, 'hang.yaml');
    writeFileSync(overlay, 'testHangHook: true\n');
    const hanging = await startService(cluster.kubeconfigPath, { config: { valuesOverlays: [overlay], chart: { repo: '', name: TEST_CHART } } });
    await hanging.waitReady();
    const helm = createHelmClient({ binary: join(ROOT, '.tools/helm3/helm'), kubeconfig: cluster.kubeconfigPath, timeoutSeconds: 30 });
    const ref = { release: stack, namespace: NS };
    const pendingCall = hanging.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/actions/resize`, headers: AUTH, payload: { spec: live, node_count: 4, nodegroup: 'default-worker' } });
    await expect.poll(async () => (await helm.history(ref)).at(-1)?.status, { timeout: 30_000, interval: 250 }).toBe('pending-upgrade');
    await execa('pkill', ['-KILL', '-f', `helm upgrade ${stack}`]);
    const killed = await pendingCall;
    expect(killed.statusCode).toBe(502);
    expect(killed.json().error.message).toMatch(/killed by SIGKILL/);
    await hanging.close();

    const svc2 = await startService(cluster.kubeconfigPath);
    await svc2.waitReady();
    const res = await svc2.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/actions/resize`, headers: AUTH, payload: { spec: live, node_count: 5, nodegroup: 'default-worker' } });
    expect(res.statusCode, res.body).toBe(202);
    expect(svc2.engine.releases.unlocks).toBe(1);
    expect((await helm.history(ref)).map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
    expect((await helm.history(ref)).at(-1)?.status).toBe('deployed');
    expect((await kube(cluster.kubeconfigPath).get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(5);
    await svc2.close();
  }, 120_000);
});
