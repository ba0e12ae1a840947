/** The real service (engine + routes) against the test management cluster, for `inject` tests. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject, vi } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { parseConfig, type ConfigInput } from '../../../src/config.js';
import { createEngine } from '../../../src/engine.js';
import { chartSource } from '../../../src/helm/chart-source.js';
import { createRegistry } from '../../../src/plugins/metrics.js';
import { ADMIN_TOKEN, READER_TOKEN, captureAudit, captureLogs, testTokens, TOKEN } from '../../support/app.js';
import { REAL_CHART_VERSION } from '../../support/chart-repo.js';

export const ROOT = join(import.meta.dirname, '../../..');
/**
 * The project's own small chart, only for what the real chart cannot do (a pre-upgrade hook
 * that hangs, so helm can be killed mid-upgrade): every other suite installs the real one.
 */
export const TEST_CHART = join(ROOT, 'test/fixtures/charts/openstack-cluster');

/** Chart settings for the real openstack-cluster chart from the loopback repository (see chart-repo.ts). */
export function realChart(repoUrl: string, defaultVersion = REAL_CHART_VERSION) {
  return { repo: repoUrl, name: 'openstack-cluster', defaultVersion };
}

/** The loopback repository the project's global setup serves; a suite without it must skip first. */
function providedChartRepo(): string {
  const url = inject('chartRepo');
  if (!url) throw new Error('startService: no chart repository was provided (the suite should have skipped with skipNotice) and no chart was configured');
  return url;
}

/**
 * The service, installing the real chart from the loopback repository unless `config.chart`
 * says otherwise. Each service pulls into a chart cache of its own, so every suite goes
 * through `helm pull --repo URL --version V`; closing it prints the archives it pulled.
 */
export async function startService(kubeconfig: string, opts: { helm?: string; config?: ConfigInput } = {}) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'mcs-test-charts-'));
  const config = parseConfig({
    kubeconfig,
    ...opts.config,
    chart: opts.config?.chart ?? realChart(providedChartRepo()),
    helm: { binary: join(ROOT, opts.helm ?? '.tools/helm3/helm'), timeoutSeconds: 60, cacheDir, ...opts.config?.helm },
  });
  const { logger, lines } = captureLogs('debug');
  const audit = captureAudit();
  const registry = createRegistry(false);
  const engine = await createEngine({ ...config, kubeconfig }, logger, registry);
  const app = await buildApp({ config, driver: engine.driver, checks: engine.checks, tokens: testTokens(), logger, audit: audit.logger, registry });
  await app.ready();
  const ready = async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    return res.statusCode === 200;
  };
  /** Until every watch has listed (usable in hooks, where expect.poll is not). */
  const waitReady = () =>
    vi.waitFor(async () => {
      if (!(await ready())) throw new Error('service not ready');
    }, { timeout: 30_000, interval: 200 });
  return {
    app,
    engine,
    /** A call as the shim makes it: the driver's token and a JSON body. */
    call: (method: 'POST' | 'PUT' | 'DELETE', url: string, payload: unknown) => app.inject({ method, url, headers: AUTH, payload: payload as object }),
    logs: lines,
    audit: audit.lines,
    ready,
    waitReady,
    close: async () => {
      await app.close();
      await engine.close();
      reportPulledCharts(config.chart, cacheDir);
      const secrets = kubeconfigSecrets(kubeconfig);
      assertNoSecretLogged(lines, secrets);
      assertNoSecretAudited(audit.lines, secrets);
    },
  };
}

/** The test log names the chart archive and version a suite installed, as helm pulled it. */
function reportPulledCharts(chart: { repo: string; name: string }, cacheDir: string): void {
  const archives = readdirSync(cacheDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tgz'));
  const where = chartSource(chart).kind === 'local' ? `(local chart ${chart.name})` : `from ${chart.repo || chart.name}`;
  console.info(`chart: ${archives.length > 0 ? archives.map((f) => f.split('/').at(-1)).join(', ') : 'none pulled'} ${where}`);
  rmSync(cacheDir, { recursive: true, force: true });
}

export const AUTH = { authorization: `Bearer ${TOKEN}` };
export const READER_AUTH = { authorization: `Bearer ${READER_TOKEN}` };
export const ADMIN_AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The played clusters' CA key (in every spec where the real controllers run), by a line of its body. */
const clusterCaKey = inject('realCapi')?.clusterCa.key.split('\n')[1];

/** Secrets the fixture specs and the test token carry; none may reach a log line (logged at debug). */
export const SECRETS = [
  'example-not-a-secret',
  ...['ca', 'etcd', 'proxy', 'sa'].flatMap((n) => [`TEST-${n}-KEY`]),
  ...(clusterCaKey ? [clusterCaKey] : []),
  'BEGIN RSA PRIVATE KEY',
  'BEGIN PRIVATE KEY',
  TOKEN,
  READER_TOKEN,
  ADMIN_TOKEN,
];

/** The management cluster's own credentials: the bearer token in the kubeconfig the service was given. */
function kubeconfigSecrets(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/^\s*token:\s*(\S+)\s*$/gm)].map((m) => m[1]!);
}

/** Every service a test starts checks its whole log when it closes. */
export function assertNoSecretLogged(lines: string[], extra: readonly string[] = []): void {
  const text = lines.join('');
  const leaked = [...SECRETS, ...extra].filter((s) => text.includes(s));
  if (leaked.length > 0) throw new Error(`secrets reached the log: ${leaked.map((s) => s.slice(0, 12)).join(', ')}`);
  if (!text.includes('"request body"')) throw new Error('no request body was logged: the secret check would prove nothing');
}

/** The audit trail gets the same scan, plus the marks of a kubeconfig (its read is audited, its text never). */
export function assertNoSecretAudited(lines: string[], extra: readonly string[] = []): void {
  const text = lines.join('');
  const leaked = [...SECRETS, ...extra, 'client-key-data', 'client-certificate-data', 'apiVersion: v1'].filter((s) => text.includes(s));
  if (leaked.length > 0) throw new Error(`secrets reached the audit trail: ${leaked.map((s) => s.slice(0, 12)).join(', ')}`);
}
