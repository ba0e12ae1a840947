/**
 * deploy/grafana/magnum-capi-sidecar.json against the service itself: every
 * metric a panel queries is one /metrics exposes (with samples, not just a
 * HELP line) after a create, a status call and a delete through the API,
 * on the real openstack-cluster chart; and every series the service exposes
 * is on some panel, so the dashboard cannot fall behind the metrics.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { skipNotice } from '../../support/chart-repo.js';
import { LABEL } from '../../../src/status/vocabulary.js';
import { kube } from '../harness/kube.js';
import { ROOT, realChart, startService } from '../harness/service.js';
import { clusterSpec, withStack } from '../harness/specs.js';

interface Target { expr?: string; query?: { query?: string } | string }
interface Panel { title?: string; targets?: Target[]; panels?: Panel[] }
interface Dashboard { panels: Panel[]; templating: { list: { query?: Target['query'] }[] } }

const DASHBOARD = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/magnum-capi-sidecar.json'), 'utf8')) as Dashboard;

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

/** Every PromQL expression of the dashboard: panel targets and template-variable queries. */
function expressions(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of panelsOf(d.panels)) for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}"`, expr: t.expr });
  for (const v of d.templating.list) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const m = q && /^label_values\(([^,)]+)/.exec(q);
    if (m) out.push({ where: 'template variable', expr: m[1]!.trim() });
  }
  return out;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'inf', 'nan']);

/** The metric names of one expression: identifiers that are not functions, keywords, labels, strings or Grafana variables. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '');
  const names = [...bare.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => !KEYWORDS.has(n.toLowerCase())))];
}

/** Grouping labels of one expression (by/without), without those Prometheus adds at scrape time. */
function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim())).filter((l) => l && l !== 'instance' && l !== 'job');
}

/** Sample lines of the exposition text: name → the label names seen on it. */
function samples(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? /.exec(line);
    if (!m) continue;
    const labels = out.get(m[1]!) ?? new Set<string>();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_]\w*)="/g)) labels.add(l[1]!);
    out.set(m[1]!, labels);
  }
  return out;
}

/** Metric families the text declares (`# TYPE`), for the reverse check. */
function families(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!);
}

describe('metricNames (the test\'s own PromQL reading)', () => {
  it.each([
    ['sum by (operation, outcome) (rate(mcs_helm_operations_total{job=~"$job"}[$__rate_interval]))', ['mcs_helm_operations_total']],
    ['histogram_quantile(0.99, sum by (le) (rate(mcs_x_seconds_bucket{route="/v1/a:b"}[5m])))', ['mcs_x_seconds_bucket']],
    ['sum(rate(a_total{outcome="failure"}[1m])) / clamp_min(sum(rate(a_total[1m])), 1e-9)', ['a_total']],
    ['time() - max by (kind) (mcs_watch_last_event_timestamp_seconds)', ['mcs_watch_last_event_timestamp_seconds']],
    ['a_total and on (kind) b_total', ['a_total', 'b_total']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});

const GUIDE = readFileSync(join(ROOT, 'docs/operator-guide.md'), 'utf8');

describe('the operator guide on the dashboard', () => {
  it.each(panelsOf(DASHBOARD.panels).filter((p) => p.targets?.length).map((p) => p.title!))('explains the panel "%s"', (title) => {
    expect(GUIDE).toContain(`| ${title} |`);
  });
});

describe('the Grafana dashboard against /metrics', () => {
  const repo = inject('chartRepo');
  if (!repo) {
    it.skip(skipNotice('the dashboard test'), () => {});
    return;
  }
  const kubeconfig = inject('kubeconfig');
  let svc: Awaited<ReturnType<typeof startService>>;
  let text = '';
  /** Clusters other test files left on the shared management cluster are counted too: this test counts its own. */
  let provisioningBefore = 0;
  const clustersCached = (metrics: string) => Number(/^mcs_watch_cache_objects\{kind="Cluster"\} (\d+)$/m.exec(metrics)?.[1] ?? 'NaN');
  const provisioning = (metrics: string) => Number(/^mcs_clusters\{state="Provisioning"\} (\d+)$/m.exec(metrics)?.[1] ?? 'NaN');

  beforeAll(async () => {
    // A chart cache of its own, so this service pulls the chart itself.
    const helm = { binary: join(ROOT, '.tools/helm3/helm'), timeoutSeconds: 60, cacheDir: mkdtempSync(join(tmpdir(), 'mcs-dashboard-charts-')) };
    svc = await startService(kubeconfig, { config: { chart: realChart(repo), helm } });
    await svc.waitReady();
    const spec = clusterSpec('dashboard');
    await svc.waitReady();
    const before = (await svc.app.inject({ method: 'GET', url: '/metrics' })).body;
    provisioningBefore = provisioning(before);
    const started = Date.now() / 1000;
    const created = await svc.call('POST', '/v1/clusters', spec);
    expect(created.statusCode, created.body).toBe(201);
    const stack = created.json().stack_id as string;
    const status = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/status`, withStack(spec, stack, 'CREATE_IN_PROGRESS'));
    expect(status.statusCode, status.body).toBe(200);
    // While it exists, the cluster is counted by its state (the index learns of it from a watch).
    await vi.waitFor(async () => {
      const now = (await svc.app.inject({ method: 'GET', url: '/metrics' })).body;
      if (provisioning(now) !== provisioningBefore + 1) throw new Error('the new cluster is not counted as Provisioning yet');
    }, { timeout: 15_000, interval: 200 });
    // The cache holds the chart's Cluster as it holds every other in Magnum's namespaces: the count is the API
    // server's. Clusters other files deleted may still be going (the real controllers tear them down), so the two
    // are compared until both agree.
    const k = kube(kubeconfig);
    let during = '';
    await vi.waitFor(async () => {
      during = (await svc.app.inject({ method: 'GET', url: '/metrics' })).body;
      const live = (await k.listAll('Cluster', LABEL.cluster)).filter((c) => c.metadata.namespace.startsWith('magnum-'));
      expect(live.map((c) => c.metadata.name)).toContain(stack);
      expect(clustersCached(during)).toBe(live.length);
    }, { timeout: 15_000, interval: 200 });
    const last = Number(/^mcs_watch_last_event_timestamp_seconds\{kind="Cluster"\} (\S+)$/m.exec(during)?.[1]);
    expect(last).toBeGreaterThanOrEqual(started);
    expect(last).toBeLessThanOrEqual(Date.now() / 1000);
    const deleted = await svc.call('DELETE', `/v1/clusters/${spec.cluster.uuid}`, withStack(spec, stack, 'CREATE_IN_PROGRESS'));
    expect(deleted.statusCode, deleted.body).toBe(202);
    // Polled as Magnum polls: the first answers may delete what the chart kept, and wait for it to go.
    await vi.waitFor(async () => {
      const polled = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/status`, withStack(spec, stack, 'DELETE_IN_PROGRESS'));
      expect(polled.statusCode, polled.body).toBe(200);
      if (polled.json().cluster.status !== 'DELETE_COMPLETE') throw new Error(`still ${polled.json().cluster.status}: ${polled.json().cluster.status_reason}`);
    }, { timeout: 30_000, interval: 500 });
    const res = await svc.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    text = res.body;
  });
  afterAll(() => svc?.close());

  const exprs = expressions(DASHBOARD);

  it('has the panels the issue asks for, each with a PromQL expression naming a metric', () => {
    expect(exprs.length).toBeGreaterThan(15);
    for (const { where, expr } of exprs) expect(metricNames(expr).length, `${where}: ${expr}`).toBeGreaterThan(0);
  });

  it.each(exprs.map((e) => [e.where, e.expr] as const))('%s: %s uses only metrics /metrics exposes, grouped by labels they carry', (where, expr) => {
    const exposed = samples(text);
    for (const name of metricNames(expr)) {
      expect(exposed.has(name), `${where} queries ${name}, which /metrics does not expose`).toBe(true);
    }
    const carried = new Set(metricNames(expr).flatMap((n) => [...(exposed.get(n) ?? [])]));
    for (const label of groupingLabels(expr)) expect(carried.has(label), `${where} groups by ${label}, which no metric of ${expr} carries`).toBe(true);
  });

  it('shows every series the service exposes on some panel', () => {
    const used = new Set(exprs.flatMap((e) => metricNames(e.expr)).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const missing = families(text).filter((f) => f.startsWith('mcs_') && !used.has(f));
    expect(missing).toEqual([]);
  });

  it('has every series the service exposes explained in the operator guide', () => {
    expect(families(text).filter((f) => f.startsWith('mcs_') && !GUIDE.includes(`\`${f}\``))).toEqual([]);
  });

  it('saw the work it was shown: an upgrade, an uninstall, a chart pull and the statuses answered', () => {
    expect(text).toMatch(/^mcs_helm_operations_total\{operation="upgrade",outcome="success",reason="none"\} [1-9]/m);
    expect(text).toMatch(/^mcs_helm_operations_total\{operation="uninstall",outcome="success",reason="none"\} 1$/m);
    expect(text).toMatch(/^mcs_chart_pulls_total\{outcome="success"\} [1-9]/m);
    expect(text).toMatch(/^mcs_cluster_status_answers_total\{status="CREATE_IN_PROGRESS"\} 1$/m);
    // No Cluster API controller holds a finalizer here: what the uninstall leaves (the kept objects) the sidecar deletes, and it goes at once.
    expect(text).toMatch(/^mcs_cluster_status_answers_total\{status="DELETE_COMPLETE"\} 1$/m);
    expect(provisioning(text)).toBe(provisioningBefore);
    expect(text).toMatch(/^mcs_watch_cache_objects\{kind="OpenStackCluster"\} \d+$/m);
    expect(text).toMatch(/^mcs_watch_last_event_timestamp_seconds\{kind="Cluster"\} \d/m);
    expect(text).toMatch(/^mcs_watch_cache_synced 1$/m);
  });
});
