/**
 * `npm run bench` (second part): what the per-release Lease adds to a
 * mutating call, next to the helm time of that call. Each call takes the
 * Lease, runs one real `helm upgrade --install` of the test chart in a real
 * kube-apiserver, and releases it; the lease time is everything but helm.
 * `--json` ends with one JSON summary line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalCluster } from '../src/devcluster/index.js';
import { createHelmClient } from '../src/helm/client.js';
import { kubeClients } from '../src/kube/client.js';
import { createReleaseLeases } from '../src/kube/release-lease.js';
import { ensureNamespace } from '../src/kube/secrets.js';
import { PROJECT_ROOT } from '../src/planner.js';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, calls: { type: 'string', default: '20' } } });
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => Number(n.toFixed(2));

const CHART = { repo: '', name: join(PROJECT_ROOT, 'test/fixtures/charts/openstack-cluster'), version: '' };
const VALUES = {
  kubernetesVersion: '1.31.4',
  machineImageId: '6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a',
  controlPlane: { machineFlavor: 'm1.medium', machineCount: 1 },
  clusterNetworking: { externalNetworkId: 'c1c1c1c1-0000-4000-8000-000000000001' },
};

const dir = mkdtempSync(join(tmpdir(), 'mcs-bench-lease-'));
const cluster = await startLocalCluster({ dataDir: dir, log });
try {
  const kube = kubeClients(cluster.kubeconfigPath);
  const helm = createHelmClient({ binary: join(PROJECT_ROOT, '.tools/helm3/helm'), kubeconfig: cluster.kubeconfigPath, timeoutSeconds: 60 });
  const leases = createReleaseLeases(kube.config, { identity: 'bench/1', durationSeconds: 30, waitSeconds: 20, ensureNamespace: (ns) => ensureNamespace(kube, ns) });
  const ref = { release: 'bench-abcdefghijkl', namespace: 'magnum-bench-lease' };
  const leaseTimes: number[] = [];
  const helmTimes: number[] = [];
  const calls = Number(args.calls);
  for (let c = 0; c <= calls; c++) {
    const values = { ...VALUES, nodeGroups: [{ name: 'default-worker', machineFlavor: 'm1.medium', machineCount: 1 + (c % 5) }] };
    const t0 = performance.now();
    let t1 = 0;
    let t2 = 0;
    await leases.hold(ref, async () => {
      t1 = performance.now();
      await helm.upgradeInstall({ ...ref, chart: CHART, values });
      t2 = performance.now();
    });
    const t3 = performance.now();
    // The first call creates the namespace and the Lease: warm-up, not counted.
    if (c === 0) continue;
    leaseTimes.push(t1 - t0 + (t3 - t2));
    helmTimes.push(t2 - t1);
  }
  leaseTimes.sort((a, b) => a - b);
  helmTimes.sort((a, b) => a - b);
  const row = {
    mutating_calls: calls,
    lease_p50_ms: ms(percentile(leaseTimes, 50)),
    lease_p99_ms: ms(percentile(leaseTimes, 99)),
    helm_p50_ms: ms(percentile(helmTimes, 50)),
    helm_p99_ms: ms(percentile(helmTimes, 99)),
    lease_share_of_call_p50: Number((percentile(leaseTimes, 50) / (percentile(leaseTimes, 50) + percentile(helmTimes, 50))).toFixed(3)),
  };
  const cols = Object.keys(row) as (keyof typeof row)[];
  console.log(cols.join('\t'));
  console.log(cols.map((c) => row[c]).join('\t'));
  if (args.json) console.log(JSON.stringify(row));
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
