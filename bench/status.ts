/**
 * `npm run bench [-- --json] [-- --clusters 100,1000]`: the status endpoint
 * answered from the watch cache against a baseline that reads per call, on N
 * clusters' worth of Cluster API objects in a real kube-apiserver. Prints a
 * table; with --json, ends with one JSON summary line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { startLocalCluster } from '../src/devcluster/index.js';
import { createEngine } from '../src/engine.js';
import { Spec } from '../src/magnum/spec.js';
import { createRegistry } from '../src/plugins/metrics.js';
import { TokenStore } from '../src/plugins/tokens.js';
import { perCallReader } from './baseline.js';
import { BENCH_NAMESPACE, IMAGE, releaseOf, writeClusters } from './fixtures.js';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, clusters: { type: 'string', default: '100,1000' }, calls: { type: 'string', default: '2000' }, 'baseline-calls': { type: 'string', default: '300' } } });
const sizes = args.clusters.split(',').map(Number);
const TOKEN = 'bench-token-0123456789abcdef';

function specFor(i: number) {
  return Spec.parse({
    cluster: { uuid: `bench-${i}`, name: 'bench', project_id: 'bench', stack_id: releaseOf(i), status: 'CREATE_IN_PROGRESS', labels: {}, master_count: 1, node_count: 2, master_flavor_id: 'm1', flavor_id: 'm1' },
    cluster_template: { uuid: 't', image_id: IMAGE, labels: {} },
    nodegroups: [
      { uuid: `m-${i}`, name: 'default-master', role: 'master', node_count: 1, is_default: true, status: 'CREATE_IN_PROGRESS' },
      { uuid: `w-${i}`, name: 'default-worker', role: 'worker', node_count: 2, is_default: true, status: 'CREATE_IN_PROGRESS' },
    ],
    resolved: { image: { id: IMAGE } },
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const dir = mkdtempSync(join(tmpdir(), 'mcs-bench-'));
const cluster = await startLocalCluster({ dataDir: dir, log });
const results: Record<string, number>[] = [];
try {
  let written = 0;
  for (const n of sizes) {
    log(`writing ${n - written} clusters' objects (${(n - written) * 6} objects)…`);
    await writeClusters(cluster.kubeconfigPath, written, n);
    written = n;

    // The namespace prefix "magnum" matches the bench namespace "magnum-bench".
    const config = parseConfig({ kubeconfig: cluster.kubeconfigPath, logLevel: 'silent' });
    const logger = pino({ level: 'silent' });
    const engine = await createEngine({ ...config, kubeconfig: cluster.kubeconfigPath }, logger, createRegistry(false));
    const app = await buildApp({ config, driver: engine.driver, checks: engine.checks, tokens: new TokenStore([TOKEN]), logger });
    await app.ready();
    while (!engine.cache.synced().ok || engine.cache.size() < n) await new Promise((r) => setTimeout(r, 100));
    const before = engine.cache.requests.list + engine.cache.requests.watch + engine.cache.requests.get;

    const calls = Number(args.calls);
    const specs = Array.from({ length: n }, (_, i) => specFor(i));
    // Warm-up, so the figures describe the steady state rather than the JIT.
    for (let c = 0; c < 200; c++) {
      const spec = specs[c % n]!;
      await app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/status`, headers: { authorization: `Bearer ${TOKEN}` }, payload: spec });
    }
    const times: number[] = [];
    for (let c = 0; c < calls; c++) {
      const spec = specs[c % n]!;
      const t0 = performance.now();
      const res = await app.inject({ method: 'POST', url: `/v1/clusters/${spec.cluster.uuid}/status`, headers: { authorization: `Bearer ${TOKEN}` }, payload: spec });
      times.push(performance.now() - t0);
      if (res.statusCode !== 200 || res.json().cluster.status !== 'CREATE_COMPLETE') throw new Error(`unexpected answer: ${res.body}`);
    }
    const after = engine.cache.requests.list + engine.cache.requests.watch + engine.cache.requests.get;
    times.sort((a, b) => a - b);

    const baseline = perCallReader(cluster.kubeconfigPath);
    const btimes: number[] = [];
    const bcalls = Number(args['baseline-calls']);
    for (let c = 0; c < bcalls; c++) {
      const spec = specs[c % n]!;
      const t0 = performance.now();
      const out = await baseline.status(spec, BENCH_NAMESPACE, spec.cluster.stack_id!);
      btimes.push(performance.now() - t0);
      if (out.response.cluster.status !== 'CREATE_COMPLETE') throw new Error('baseline disagrees');
    }
    btimes.sort((a, b) => a - b);
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    const row = {
      clusters: n,
      status_calls: calls,
      status_requests_per_call: (after - before) / calls,
      status_p50_ms: Number(percentile(times, 50).toFixed(3)),
      status_p99_ms: Number(percentile(times, 99).toFixed(3)),
      baseline_requests_per_call: baseline.requests() / bcalls,
      baseline_p50_ms: Number(percentile(btimes, 50).toFixed(3)),
      baseline_p99_ms: Number(percentile(btimes, 99).toFixed(3)),
      p99_ratio_baseline_over_cache: Number((percentile(btimes, 99) / percentile(times, 99)).toFixed(1)),
      rss_mb: Number(rssMb.toFixed(1)),
    };
    results.push(row);
    await app.close();
    await engine.close();
  }
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}

const cols = Object.keys(results[0]!);
console.log(cols.join('\t'));
for (const r of results) console.log(cols.map((c) => r[c]).join('\t'));
if (args.json) console.log(JSON.stringify({ ...results.at(-1), runs: results }));
