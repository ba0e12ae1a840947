/**
 * A release whose only revision is pending-install (helm applied every
 * object, then the sidecar died before helm recorded it deployed), on the
 * real chart: the next call unlocks it and upgrades over it. The Cluster
 * object is never deleted; an uninstall would have torn down a live cluster.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { skipNotice } from '../support/chart-repo.js';
import { forgeRevisionStatus } from './harness/helm-record.js';
import { HELM_BINARIES, kube } from './harness/kube.js';
import { AUTH, ROOT, realChart, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const chartRepo = inject('chartRepo');

describe.skipIf(!chartRepo).each(HELM_BINARIES)('a pending-install release under %s', (label, helm) => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let svc: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    svc = await startService(kubeconfig, { helm, config: { chart: realChart(chartRepo) } });
    await svc.waitReady();
  });
  afterAll(() => svc?.close());

  it('is unlocked and upgraded: the cluster objects stay, the release ends deployed, nothing uninstalled', async () => {
    const spec = clusterSpec(`pending-install-${label.replace(/\W/g, '')}`);
    const created = await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec });
    expect(created.statusCode, created.body).toBe(201);
    const stack = created.json().stack_id as string;
    const uid = (await k.get('Cluster', NS, stack))?.metadata.uid as string;
    expect(uid).toBeTruthy();
    await forgeRevisionStatus(kubeconfig, NS, stack, 1, 'pending-install');

    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    const res = await svc.app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/actions/resize`, headers: AUTH, payload: { spec: live, node_count: 3, nodegroup: 'default-worker' } });
    expect(res.statusCode, res.body).toBe(202);

    expect((await k.get('Cluster', NS, stack))?.metadata.uid).toBe(uid);
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(3);
    const { stdout } = await execa(join(ROOT, helm), ['history', stack, '--namespace', NS, '--kubeconfig', kubeconfig, '--output', 'json']);
    const history = JSON.parse(stdout) as { revision: number; status: string; description: string }[];
    expect(history.at(-1)).toMatchObject({ revision: 2, status: 'deployed' });
    expect(history.map((r) => r.description).join('\n')).not.toMatch(/rollback|uninstall/i);
    await svc.app.inject({ method: 'DELETE', url: `/v1/clusters/${spec.cluster.uuid}`, headers: AUTH, payload: withStack(spec, stack, 'DELETE_IN_PROGRESS') });
  });
});

if (!chartRepo) it.skip(skipNotice('the pending-install recovery suite'), () => {});
