/**
 * `npm run bench` (third part): the CPU one `helm upgrade` of the real chart costs, under helm 3
 * and helm 4, with the sidecar's argv (src/helm/args.ts) and with helm's OpenAPI step put back,
 * against the local management cluster with the Cluster API and CAPO CRDs. The sidecar skips that
 * step because a 1.27+ API server validates fields itself; the ratio is what skipping it saves.
 * CPU is helm's own, read from this process's reaped children (Linux). `--json` ends with one
 * JSON summary line. Needs the packaged charts (MCS_TEST_CHARTS_DIR or ../shared/reference/charts).
 */
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalCluster } from '../src/devcluster/index.js';
import { SERVER_VALIDATES, upgradeInstallArgs } from '../src/helm/args.js';
import { helmEnvironment } from '../src/helm/run.js';
import { PROJECT_ROOT } from '../src/planner.js';
import { chartArchive, REAL_CHART_VERSION, realChartsDir, skipNotice } from '../test/support/chart-repo.js';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, upgrades: { type: 'string', default: '6' } } });
const log = (msg: string) => process.stderr.write(`${msg}\n`);
/** Skipping the step should at least halve helm 3's CPU per upgrade (measured: about a third). */
const TARGET_RATIO_HELM3 = 0.5;

const chartsDir = realChartsDir();
if (!chartsDir) {
  log(skipNotice('bench/helm-cpu.ts'));
  process.exit(0);
}
const archive = chartArchive(chartsDir, REAL_CHART_VERSION);
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU-seconds of every child this process has reaped so far (cutime + cstime). */
function reapedChildrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICK;
}

const values = (workers: number) => JSON.stringify({
  kubernetesVersion: '1.31.4',
  machineImageId: '6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a',
  controlPlane: { machineFlavor: 'm1.medium', machineCount: 1 },
  nodeGroups: [{ name: 'default-worker', machineFlavor: 'm1.medium', machineCount: workers }],
  clusterNetworking: { externalNetworkId: 'c1c1c1c1-0000-4000-8000-000000000001' },
  cloudCredentialsSecretName: 'bench-cloud-credentials',
});

const dir = mkdtempSync(join(tmpdir(), 'mcs-bench-helm-'));
const cluster = await startLocalCluster({ dataDir: dir, capi: 'played', log });
try {
  const rows = [];
  for (const major of [3, 4]) {
    const binary = join(PROJECT_ROOT, `.tools/helm${major}/helm`);
    /** Mean CPU-seconds of one upgrade of a release that exists (the install before them is not counted). */
    const perUpgrade = async (openApiStep: boolean) => {
      const ref = { release: `bench-h${major}-${openApiStep ? 'step' : 'skip'}`, namespace: 'magnum-bench-helm' };
      const argv = upgradeInstallArgs(ref, { repo: '', name: archive, version: REAL_CHART_VERSION }, 120, archive, major)
        .filter((a) => !openApiStep || a !== SERVER_VALIDATES);
      const run = (workers: number) => execa(binary, [...argv, '--create-namespace', '--kubeconfig', cluster.kubeconfigPath], { input: values(workers), extendEnv: false, env: helmEnvironment() });
      await run(1);
      const before = reapedChildrenCpu();
      const n = Number(args.upgrades);
      for (let i = 0; i < n; i++) await run(2 + (i % 3));
      return (reapedChildrenCpu() - before) / n;
    };
    const sidecar = await perUpgrade(false);
    const withStep = await perUpgrade(true);
    rows.push({ helm: major, cpu_s_per_upgrade: round(sidecar), cpu_s_with_openapi_step: round(withStep), ratio: round(sidecar / withStep), target_ratio: major === 3 ? `<= ${TARGET_RATIO_HELM3}` : '-' });
  }
  const cols = Object.keys(rows[0]!) as (keyof (typeof rows)[number])[];
  console.log(cols.join('\t'));
  for (const r of rows) console.log(cols.map((c) => r[c]).join('\t'));
  if (args.json) console.log(JSON.stringify(rows));
  const helm3 = rows.find((r) => r.helm === 3)!;
  if (helm3.ratio > TARGET_RATIO_HELM3) log(`helm 3: ratio ${helm3.ratio} is above its target ${TARGET_RATIO_HELM3}`);
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}

function round(n: number): number {
  return Number(n.toFixed(2));
}
