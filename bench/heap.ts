/**
 * `node --expose-gc --import tsx bench/heap.ts KUBECONFIG N [SNAPSHOT]`: the
 * heap the watch cache and the cluster index hold per cluster once synced
 * with N clusters, after a forced GC, printed as one number of bytes. Run in
 * a process of its own per size, so the values shared across objects
 * (`status/shared-values.ts`) start empty and each size pays for its own.
 * With SNAPSHOT, also writes a heap snapshot there, for the breakdown.
 */
import { writeHeapSnapshot } from 'node:v8';
import { KubeConfig } from '@kubernetes/client-node';
import { watchClusterIndex } from '../src/kube/cluster-index.js';
import { WatchCache } from '../src/kube/watch-cache.js';

const [kubeconfig, size, snapshot] = process.argv.slice(2);
const n = Number(size);
const gc = (globalThis as { gc?: () => void }).gc;
if (!kubeconfig || !n || !gc) throw new Error('usage: node --expose-gc --import tsx bench/heap.ts KUBECONFIG N [SNAPSHOT]');

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const before = heapUsed();
const cache = new WatchCache(kc, { namespacePrefix: 'magnum' });
const index = watchClusterIndex(kc, (err) => process.stderr.write(`  index: ${String(err)}\n`));
await Promise.all([cache.start(), index.start()]);
while (!cache.synced().ok || !index.synced() || cache.size() < n || index.all().length < n) await new Promise((r) => setTimeout(r, 100));
const after = heapUsed();
if (snapshot) writeHeapSnapshot(snapshot);
await Promise.all([cache.stop(), index.stop()]);
process.stdout.write(`${(after - before) / n}\n`);
