/**
 * `npm run bench [-- --json] [-- --clusters 1000,5000,10000] [-- --api-max 1000] [-- --cpu-prof DIR] [-- --heap-snapshot DIR]`
 *
 * Real objects (bench/fixtures.ts: the real chart 0.27.0 with monitoring on,
 * three control-plane nodes and two worker groups of three, with what
 * Cluster API adds and the statuses it writes). Sizes up to `--api-max` are
 * written into the real local kube-apiserver; larger ones are replayed from
 * that server's recorded answers (bench/sources.ts). Per size:
 * - heap bytes per cluster held by the watch cache and the cluster index,
 *   after a forced GC, in this process;
 * - the production build (`npm run build`; `node dist/cli.js serve`, info
 *   logging): start to synced, status p50/p99 over HTTP keep-alive, its
 *   management-API requests per status call, its RSS;
 * - on the real API server, the per-call baseline (what magnum-capi-helm
 *   reads per poll): requests and p99, side by side.
 * Prints a table and each target beside its figure; --json ends with one
 * summary line.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { startLocalCluster } from '../src/devcluster/index.js';
import { PROJECT_ROOT } from '../src/planner.js';
import { realChartsDir } from '../test/support/chart-repo.js';
import { perCallReader } from './baseline.js';
import { BENCH_NAMESPACE, renderTemplate, specFor, templateText } from './fixtures.js';
import { measureSidecar, percentile } from './sidecar.js';
import { writeClusters } from './api-writer.js';
import { record, replay, type Recording } from './sources.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    clusters: { type: 'string', default: '1000,5000,10000' },
    'api-max': { type: 'string', default: '1000' },
    calls: { type: 'string', default: '3000' },
    'baseline-calls': { type: 'string', default: '300' },
    /** A folder for the production build's CPU profiles (one per size), to see where a missed target's time went; slows what it measures. */
    'cpu-prof': { type: 'string' },
    /** A folder for a heap snapshot of the cache per size, for the breakdown of what it holds. */
    'heap-snapshot': { type: 'string' },
  },
});
const sizes = args.clusters.split(',').map(Number).sort((a, b) => a - b);
const apiMax = Number(args['api-max']);
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const TARGETS = { heapPerClusterKb: 16, rssMbAt10k: 512, requestsPerCall: 0, p99MsAt10k: 1, syncedSAt1k: 10 };

if (!existsSync(join(PROJECT_ROOT, 'dist/cli.js'))) throw new Error('no production build: run npm run build first');
const chartsDir = realChartsDir();
if (!chartsDir) throw new Error('the real chart is needed: set MCS_TEST_CHARTS_DIR to a folder with openstack-cluster-0.27.0.tgz (or put ../shared/reference/charts beside the project)');

/** Heap the watch cache and the cluster index hold per cluster, measured in a process of its own (bench/heap.ts). */
async function heapPerCluster(kubeconfig: string, n: number): Promise<number> {
  const snapshot = args['heap-snapshot'] ? [join(args['heap-snapshot'], `${n}.heapsnapshot`)] : [];
  const { stdout } = await execa(process.execPath, ['--expose-gc', '--import', 'tsx', join(PROJECT_ROOT, 'bench/heap.ts'), kubeconfig, String(n), ...snapshot], { cwd: PROJECT_ROOT, stderr: 'inherit' });
  return Number(stdout.trim());
}

const dir = mkdtempSync(join(tmpdir(), 'mcs-bench-'));
const results: Record<string, number | string | null>[] = [];
const cluster = await startLocalCluster({ dataDir: join(dir, 'cluster'), log });
try {
  log(`rendering openstack-cluster 0.27.0 from ${chartsDir}…`);
  const template = await renderTemplate(chartsDir, join(PROJECT_ROOT, '.tools/helm3/helm'));
  const text = templateText(template);
  log(`one cluster: ${template.objects.length} objects, ${(template.bytes / 1024).toFixed(0)} KB of JSON`);
  let written = 0;
  let recording: Recording | undefined;
  for (const n of sizes) {
    const onApi = n <= apiMax;
    let kubeconfig = cluster.kubeconfigPath;
    let source: Awaited<ReturnType<typeof replay>> | undefined;
    if (onApi) {
      const t = performance.now();
      log(`writing ${n - written} clusters (${(n - written) * template.objects.length} objects) into the API server…`);
      const w = await writeClusters(cluster.kubeconfigPath, text, written, n);
      const seconds = (performance.now() - t) / 1000;
      log(`  written in ${seconds.toFixed(0)} s: ${w.requests} requests (${(w.requests / seconds).toFixed(0)}/s), ${w.retries} retried`);
      written = n;
    } else {
      recording ??= await record(cluster.kubeconfigPath, 0);
      source = await replay(recording, n);
      kubeconfig = join(dir, `replay-${n}.kubeconfig`);
      source.writeKubeconfig(kubeconfig);
      log(`replaying ${n} clusters from the API server's recorded answers at ${source.url}`);
    }
    try {
      const perCluster = await heapPerCluster(kubeconfig, n);
      log(`  heap per cluster: ${(perCluster / 1024).toFixed(1)} KB`);
      const specs = Array.from({ length: n }, (_, i) => specFor(i));
      const sidecar = await measureSidecar(kubeconfig, dir, specs, Number(args.calls), log, args['cpu-prof'] && join(args['cpu-prof'], String(n)));
      let baseline: { requests: number; p99: number } | null = null;
      if (onApi) {
        const reader = perCallReader(cluster.kubeconfigPath);
        const times: number[] = [];
        const calls = Number(args['baseline-calls']);
        for (let c = 0; c < calls; c++) {
          const spec = specs[(c * 7919) % n]!;
          const t = performance.now();
          const out = await reader.status(spec, BENCH_NAMESPACE, spec.cluster.stack_id!);
          times.push(performance.now() - t);
          if (out.response.cluster.status !== 'CREATE_COMPLETE') throw new Error(`baseline disagrees: ${JSON.stringify(out.response.cluster)}`);
        }
        times.sort((a, b) => a - b);
        baseline = { requests: reader.requests() / calls, p99: Number(percentile(times, 99).toFixed(3)) };
      }
      results.push({
        clusters: n,
        source: onApi ? 'api-server' : 'replayed',
        heap_kb_per_cluster: Number((perCluster / 1024).toFixed(2)),
        rss_mb: sidecar.rss_mb,
        status_p50_ms: sidecar.status_p50_ms,
        status_p99_ms: sidecar.status_p99_ms,
        status_requests_per_call: sidecar.status_requests_per_call,
        start_to_synced_s: sidecar.start_to_synced_s,
        baseline_requests_per_call: baseline?.requests ?? null,
        baseline_p99_ms: baseline?.p99 ?? null,
      });
      log(`  ${JSON.stringify(results.at(-1))}`);
    } finally {
      await source?.close();
    }
  }
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}

const cols = Object.keys(results[0]!);
console.log(cols.join('\t'));
for (const r of results) console.log(cols.map((c) => r[c] ?? '-').join('\t'));

const at = (n: number) => results.find((r) => r.clusters === n);
const largest = results.at(-1)!;
const api = [...results].reverse().find((r) => r.source === 'api-server');
// Judged at the largest size, where the cache's fixed start-up cost (modules, sockets, buffers) is spread thin.
const heapAtLargest = Number(largest.heap_kb_per_cluster);
const checks = [
  { target: `heap per cluster <= ${TARGETS.heapPerClusterKb} KB`, figure: `${heapAtLargest} KB at ${largest.clusters} clusters`, met: heapAtLargest <= TARGETS.heapPerClusterKb },
  { target: `RSS < ${TARGETS.rssMbAt10k} MB at 10,000 clusters`, figure: at(10000) ? `${at(10000)!.rss_mb} MB` : 'not run', met: at(10000) ? Number(at(10000)!.rss_mb) < TARGETS.rssMbAt10k : null },
  { target: `${TARGETS.requestsPerCall} management-API requests per status call`, figure: `${Math.max(...results.map((r) => Number(r.status_requests_per_call)))}`, met: results.every((r) => r.status_requests_per_call === 0) },
  { target: `status p99 < ${TARGETS.p99MsAt10k} ms at 10,000 clusters`, figure: at(10000) ? `${at(10000)!.status_p99_ms} ms` : 'not run', met: at(10000) ? Number(at(10000)!.status_p99_ms) < TARGETS.p99MsAt10k : null },
  { target: `start to synced < ${TARGETS.syncedSAt1k} s at 1,000 clusters on the API server`, figure: at(1000)?.source === 'api-server' ? `${at(1000)!.start_to_synced_s} s` : 'not run', met: at(1000)?.source === 'api-server' ? Number(at(1000)!.start_to_synced_s) < TARGETS.syncedSAt1k : null },
];
console.log('');
for (const c of checks) console.log(`${c.met === null ? 'n/a ' : c.met ? 'met ' : 'MISS'}\t${c.target}\t${c.figure}`);
if (args.json) {
  console.log(JSON.stringify({ date: new Date().toISOString(), ...largest, baseline_at_api: api ? { clusters: api.clusters, requests_per_call: api.baseline_requests_per_call, p99_ms: api.baseline_p99_ms, sidecar_p99_ms: api.status_p99_ms } : null, targets: checks, runs: results }));
}
