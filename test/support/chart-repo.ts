/**
 * The real `openstack-cluster` chart, served as a Helm chart repository on
 * loopback: the packaged archives and `index.yaml` beside the project
 * (`../shared/reference/charts`, or `MCS_TEST_CHARTS_DIR`), exactly as the
 * public repository serves them, so tests go through `--repo URL --version V`.
 *
 * Run as a script (`tsx test/support/chart-repo.ts`) it serves until killed
 * and prints the URL on its first line, for the shell-driven shim suites;
 * with `--versions` it prints which versions the suites test, and exits.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '../..');

/** The newest packaged version: what the suites install unless they test another. */
export const REAL_CHART_VERSION = '0.27.0';

/** Where the packaged charts are, or null on a clone without them. */
export function realChartsDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.MCS_TEST_CHARTS_DIR, join(ROOT, '../shared/reference/charts')];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'index.yaml'))) return resolve(dir);
  }
  return null;
}

/** The one line a skipped suite prints, so a user knows what did not run and how to run it. */
export function skipNotice(suite: string): string {
  return `skipped: ${suite} needs the packaged openstack-cluster charts; set MCS_TEST_CHARTS_DIR to a folder with index.yaml and the .tgz archives (or put ../shared/reference/charts beside the project)`;
}

/**
 * The packaged charts' folder for a suite that needs them, or null after printing the
 * suite's skip line (use with `describe.skipIf(!dir)`), so a clone without them still passes.
 */
export function chartsOrSkip(suite: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = realChartsDir(env);
  if (!dir) console.warn(skipNotice(suite));
  return dir;
}

/** The chart versions packaged in `dir`, newest first, as `index.yaml` lists them. */
export function packagedVersions(dir: string): string[] {
  const archives = readdirSync(dir).filter((f) => /^openstack-cluster-.+\.tgz$/.test(f));
  return archives
    .map((f) => f.replace(/^openstack-cluster-/, '').replace(/\.tgz$/, ''))
    .sort((a, b) => compareVersions(b, a));
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The archive of one packaged version, by the name index.yaml serves it under. */
export function chartArchive(dir: string, version: string): string {
  return join(dir, `openstack-cluster-${version}.tgz`);
}

/**
 * Unpacks one packaged version into a fresh temporary folder and returns the chart's
 * folder, for tests that read its files or render it with `helm template` directly.
 */
export function unpackChart(dir: string, version: string = REAL_CHART_VERSION): string {
  const into = mkdtempSync(join(tmpdir(), `mcs-chart-${version}-`));
  execFileSync('tar', ['-xzf', chartArchive(dir, version), '-C', into]);
  return join(into, 'openstack-cluster');
}

export interface ChartRepo {
  url: string;
  dir: string;
  /** Files served so far, by name: shows a suite really pulled from the repository. */
  served: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `dir` (index.yaml and the archives only, nothing else) on 127.0.0.1 with a free port. */
export async function startChartRepo(dir: string): Promise<ChartRepo> {
  const served = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const name = basename(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const allowed = name === 'index.yaml' || /^[A-Za-z0-9._-]+\.tgz$/.test(name);
    const path = join(dir, name);
    if (req.method !== 'GET' || !allowed || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    served.set(name, (served.get(name) ?? 0) + 1);
    const type = name.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(path));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    served,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/**
 * For a project's global setup: the loopback repository of the packaged charts, saying on stderr
 * where it serves them from, or, when they are absent, which suites will skip. `url` is '' then.
 */
export async function serveRealCharts(suites: string): Promise<{ url: string; close(): Promise<void> }> {
  const dir = realChartsDir();
  const repo = dir ? await startChartRepo(dir) : null;
  process.stderr.write(repo ? `real chart: openstack-cluster ${REAL_CHART_VERSION} from ${dir} served at ${repo.url}\n` : `${skipNotice(suites)}\n`);
  return { url: repo?.url ?? '', close: async () => repo?.close() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--versions')) {
  const dir = realChartsDir();
  process.stdout.write(dir
    ? `real openstack-cluster charts tested: ${packagedVersions(dir).map((v) => (v === REAL_CHART_VERSION ? `${v} (every suite)` : `${v} (version matrix)`)).join(', ')}; archives from ${dir}\n`
    : `real openstack-cluster charts tested: none (${skipNotice('every real-chart suite')})\n`);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--dir')) {
  // For scripts/test-all.mjs: whether a step that needs the charts can run (exit 3, with the skip line, when not).
  const dir = realChartsDir();
  if (dir) process.stdout.write(`${dir}\n`);
  else process.stderr.write(`${skipNotice('the status suites on the newest Cluster API line')}\n`);
  process.exit(dir ? 0 : 3);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = realChartsDir();
  if (!dir) {
    process.stderr.write(`${skipNotice('the chart repository')}\n`);
    process.exit(3);
  }
  const repo = await startChartRepo(dir);
  process.stdout.write(`${repo.url}\n`);
  const stop = () => void repo.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
