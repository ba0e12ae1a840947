/**
 * Three real sidecar processes on one management cluster and the real chart:
 * concurrent updates spread over them, kill -9 of the replica that holds a
 * lease while helm runs, and a create racing a delete on two replicas.
 * Before the per-release Lease, such runs ended in "release: already exists"
 * 502s and helm history reading "Rollback to N".
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { REAL_CHART_VERSION, skipNotice } from '../support/chart-repo.js';
import { recordRevisions } from './harness/helm-record.js';
import { kube } from './harness/kube.js';
import { startReplicas, type Replica } from './harness/replicas.js';
import { ROOT } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const HELM = join(ROOT, '.tools/helm3/helm');
const chartRepo = inject('chartRepo');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const withWorkers = (s: SpecInput, n: number): SpecInput => ({
  ...s,
  nodegroups: (s.nodegroups ?? []).map((g) => (g.role === 'master' ? g : { ...g, node_count: n })),
});

describe.skipIf(!chartRepo)('three sidecar replicas on one management cluster', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  let replicas: Replica[] = [];

  beforeAll(async () => {
    replicas = await startReplicas(3, kubeconfig, {
      MCS_CHART__REPO: chartRepo,
      MCS_CHART__NAME: 'openstack-cluster',
      MCS_CHART__DEFAULT_VERSION: REAL_CHART_VERSION,
      MCS_HELM__BINARY: HELM,
      MCS_HELM__TIMEOUT_SECONDS: '60',
      // Short, so the kill -9 case waits little for the expiry; long enough that renewals are not
      // missed with the real Cluster API controllers loading the machine (at 4 s one was, once in a
      // full run: a replica took the lease while the old holder's helm still ran, and answered
      // 503 helm_release_locked; a lost lease does not stop a running helm yet).
      MCS_LEASE__DURATION_SECONDS: '10',
      // Long enough that several of the 30 queued updates get their turn on a loaded 2-core machine.
      MCS_LEASE__WAIT_SECONDS: '45',
    });
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
  });

  const helmJson = async (...args: string[]) => JSON.parse((await execa(HELM, [...args, '--namespace', NS, '--kubeconfig', kubeconfig, '--output', 'json'])).stdout);
  const deployedWorkers = async (stack: string) =>
    ((await helmJson('get', 'values', stack)) as { nodeGroups: { name: string; machineCount: number }[] }).nodeGroups.find((g) => g.name === 'default-worker')!.machineCount;
  const metric = async (r: Replica, line: RegExp) => {
    const text = await (await fetch(`${r.url}/metrics`)).text();
    return Number(line.exec(text)?.[1] ?? 0);
  };

  async function create(r: Replica, name: string) {
    const spec = clusterSpec(name);
    const res = await r.call('POST', '/v1/clusters', spec);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const stack = res.body.stack_id as string;
    return { spec, stack };
  }

  it('30 concurrent updates over three replicas: each 2xx or 503 release_busy, no rollback or uninstall, the last 2xx deployed', async () => {
    const { spec, stack } = await create(replicas[0]!, 'replicas-updates');
    const uid = (await k.get('Cluster', NS, stack))?.metadata.uid as string;
    const revisions = await recordRevisions(kubeconfig, NS, stack);
    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    let answered = 0;
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await replicas[i % 3]!.call('PUT', `/v1/clusters/${spec.cluster.uuid}`, withWorkers(live, i + 1));
        return { i, workers: i + 1, order: answered++, status: res.status, body: res.body, retryAfter: res.headers.get('retry-after') };
      }),
    );
    revisions.stop();
    const ok = answers.filter((a) => a.status === 202);
    const others = answers.filter((a) => a.status !== 202);
    expect(others.map((a) => [a.status, a.body?.error?.code])).toEqual(others.map(() => [503, 'release_busy']));
    for (const a of others) expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeGreaterThan(0);

    const last = ok.reduce((a, b) => (b.order > a.order ? b : a));
    // Answered last is applied last: the highest revision, and the values helm holds now.
    expect(last.body.revision).toBe(Math.max(...ok.map((a) => a.body.revision as number)));
    expect(await deployedWorkers(stack)).toBe(last.workers);
    expect((await k.get('MachineDeployment', NS, `${stack}-default-worker`))?.spec.replicas).toBe(last.workers);
    // Every revision written meanwhile: one per 2xx, none a rollback; the Cluster was never deleted.
    expect(revisions.seen.map((r) => r.description).join('\n')).not.toMatch(/rollback|uninstall/i);
    expect(new Set(revisions.seen.filter((r) => r.revision > 1).map((r) => r.revision)).size).toBe(ok.length);
    expect((await k.get('Cluster', NS, stack))?.metadata.uid).toBe(uid);
    process.stderr.write(`replicas: 30 concurrent updates → ${ok.length} × 202, ${others.length} × 503 release_busy\n`);
  }, 300_000);

  it('kill -9 of the replica holding the lease while helm runs: after expiry another replica unlocks and succeeds, nothing deleted', async () => {
    const [victim, survivor] = [replicas[0]!, replicas[1]!];
    const { spec, stack } = await create(survivor, 'replicas-kill');
    const uid = (await k.get('Cluster', NS, stack))?.metadata.uid as string;
    const live = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    // Catch helm between writing the pending revision and recording it deployed.
    let caught = false;
    for (let attempt = 0; attempt < 8 && !caught; attempt++) {
      let done = false;
      const call = victim
        .call('PUT', `/v1/clusters/${spec.cluster.uuid}`, withWorkers(live, 10 + attempt))
        .catch(() => undefined)
        .finally(() => (done = true));
      while (!done) {
        const pending = await k.core.listNamespacedSecret({ namespace: NS, labelSelector: `owner=helm,name=${stack},status=pending-upgrade` });
        if (pending.items.length > 0) {
          await victim.kill9();
          caught = true;
          break;
        }
        await sleep(5);
      }
      await call;
    }
    expect(caught, 'helm was never seen pending').toBe(true);
    const lease = await k.kc.makeApiClient((await import('@kubernetes/client-node')).CoordinationV1Api).readNamespacedLease({ name: `mcs-release-${stack}`, namespace: NS });
    expect(lease.spec?.holderIdentity).toBe(victim.identity);
    expect((await helmJson('history', stack)).at(-1).status).toBe('pending-upgrade');

    const res = await survivor.call('PUT', `/v1/clusters/${spec.cluster.uuid}`, withWorkers(live, 20));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const history = (await helmJson('history', stack)) as { status: string; description: string }[];
    expect(history.at(-1)!.status).toBe('deployed');
    expect(history.map((r) => r.description).join('\n')).toMatch(/unlocked from stale pending-upgrade/);
    expect(history.map((r) => r.description).join('\n')).not.toMatch(/rollback|uninstall/i);
    expect(await deployedWorkers(stack)).toBe(20);
    expect((await k.get('Cluster', NS, stack))?.metadata.uid).toBe(uid);
    expect(await metric(survivor, /^mcs_lease_acquisitions_total\{outcome="taken_over"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(await metric(survivor, /^mcs_lease_unlocks_total\{from="pending-upgrade"\} (\d+)/m)).toBe(1);
  }, 300_000);

  it.each([
    ['create sent first', 0],
    ['delete sent first', 1],
  ])('a create on one replica racing a delete on another (%s) ends DELETE_COMPLETE, never resurrected', async (label, deleteFirst) => {
    const [a, b] = [replicas[1]!, replicas[2]!];
    const spec = clusterSpec(`replicas-race-${deleteFirst}`);
    const deleting = { ...spec, cluster: { ...spec.cluster, status: 'DELETE_IN_PROGRESS' as const } };
    const send = [() => a.call('POST', '/v1/clusters', spec), () => b.call('DELETE', `/v1/clusters/${spec.cluster.uuid}`, deleting)];
    if (deleteFirst) send.reverse();
    const first = send[0]!();
    await sleep(20);
    const [r1, r2] = await Promise.all([first, send[1]!()]);
    const [created, deleted] = deleteFirst ? [r2, r1] : [r1, r2];
    expect([201, 409], `${label}: ${JSON.stringify(created.body)}`).toContain(created.status);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(202);
    const stack = deleted.body.stack_id as string;

    await expect
      .poll(async () => (await a.call('POST', `/v1/clusters/${spec.cluster.uuid}/status`, withStack(deleting, stack, 'DELETE_IN_PROGRESS'))).body?.cluster?.status, { timeout: 60_000, interval: 500 })
      .toBe('DELETE_COMPLETE');
    await expect(helmJson('history', stack)).rejects.toThrow(/not found/);
    expect(await k.get('Cluster', NS, stack)).toBeNull();
    // A create still queued somewhere, arriving now on either replica, is refused.
    for (const r of [a, b]) {
      const late = await r.call('POST', '/v1/clusters', spec);
      expect(late.status, JSON.stringify(late.body)).toBe(409);
    }
    expect(await k.get('Cluster', NS, stack)).toBeNull();
  }, 300_000);
});

if (!chartRepo) it.skip(skipNotice('the replicas suite'), () => {});
