/**
 * The engine's series: what each recorder writes, what each gauge reads when
 * scraped, and the series that read 0 before anything happened (so a
 * dashboard shows 0, not "no data").
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Driver } from '../../../src/driver/types.js';
import type { Observer } from '../../../src/driver/ports.js';
import { instrumentDriver, instrumentObserver, registerEngineMetrics, type EngineMetricSources } from '../../../src/plugins/engine-metrics.js';

function sources(over: Partial<EngineMetricSources> = {}): EngineMetricSources {
  return {
    kinds: ['Cluster', 'Machine'],
    helmRunning: () => 2,
    kubeRequests: () => ({ list: 8, watch: 9, get: 1 }),
    cacheObjects: () => ({ Cluster: 3, Machine: 12 }),
    cacheSynced: () => true,
    clusterStates: () => ['Ready', 'Ready', 'Provisioning'],
    ...over,
  };
}

async function scrape(registry: Registry): Promise<string> {
  return registry.metrics();
}

describe('engine metrics', () => {
  it('reads 0 for the restarts of every watched kind, chart pulls and deadline failures before anything happened', async () => {
    const registry = new Registry();
    registerEngineMetrics(registry, sources());
    const text = await scrape(registry);
    for (const line of [
      'mcs_watch_restarts_total{kind="Cluster"} 0',
      'mcs_watch_restarts_total{kind="Machine"} 0',
      'mcs_chart_pulls_total{outcome="success"} 0',
      'mcs_chart_pulls_total{outcome="failure"} 0',
      'mcs_deadline_failures_total{operation="CREATE"} 0',
      'mcs_deadline_failures_total{operation="UPDATE"} 0',
    ]) expect(text).toContain(line);
  });

  it.each([
    ['helm processes running', 'mcs_helm_operations_running 2'],
    ['requests of the watch cache', 'mcs_kube_requests_total{request="watch"} 9'],
    ['objects per kind', 'mcs_watch_cache_objects{kind="Machine"} 12'],
    ['sync', 'mcs_watch_cache_synced 1'],
    ['clusters per state', 'mcs_clusters{state="Ready"} 2'],
    ['clusters per state', 'mcs_clusters{state="Provisioning"} 1'],
    ['every state, even with no cluster in it', 'mcs_clusters{state="Failed"} 0'],
  ])('reads at scrape time: %s', async (_what, line) => {
    const registry = new Registry();
    registerEngineMetrics(registry, sources());
    expect(await scrape(registry)).toContain(line);
  });

  it('counts the requests of the watch cache as a counter that follows the cache from one scrape to the next', async () => {
    const registry = new Registry();
    let watches = 9;
    registerEngineMetrics(registry, sources({ kubeRequests: () => ({ list: 8, watch: watches, get: 1 }) }));
    const first = await scrape(registry);
    expect(first).toContain('# TYPE mcs_kube_requests_total counter');
    expect(first).toContain('mcs_kube_requests_total{request="watch"} 9');
    watches = 12;
    const second = await scrape(registry);
    expect(second).toContain('mcs_kube_requests_total{request="watch"} 12');
    expect(second).toContain('mcs_kube_requests_total{request="list"} 8');
  });

  it('follows its sources from one scrape to the next', async () => {
    const registry = new Registry();
    let synced = true;
    let states = ['Ready'];
    registerEngineMetrics(registry, sources({ cacheSynced: () => synced, clusterStates: () => states }));
    expect(await scrape(registry)).toContain('mcs_clusters{state="Ready"} 1');
    synced = false;
    states = ['Deleting'];
    const text = await scrape(registry);
    expect(text).toContain('mcs_watch_cache_synced 0');
    expect(text).toContain('mcs_clusters{state="Ready"} 0');
    expect(text).toContain('mcs_clusters{state="Deleting"} 1');
  });

  it('records helm runs by command, outcome and reason, with their duration', async () => {
    const registry = new Registry();
    const m = registerEngineMetrics(registry, sources());
    m.helmRun({ command: 'upgrade', seconds: 3.2, outcome: 'success', reason: 'none' });
    m.helmRun({ command: 'upgrade', seconds: 300, outcome: 'failure', reason: 'timeout' });
    m.helmRun({ command: 'uninstall', seconds: 0.2, outcome: 'not_found', reason: 'none' });
    const text = await scrape(registry);
    expect(text).toContain('mcs_helm_operations_total{operation="upgrade",outcome="success",reason="none"} 1');
    expect(text).toContain('mcs_helm_operations_total{operation="upgrade",outcome="failure",reason="timeout"} 1');
    expect(text).toContain('mcs_helm_operations_total{operation="uninstall",outcome="not_found",reason="none"} 1');
    expect(text).toContain('mcs_helm_operation_duration_seconds_bucket{le="5",operation="upgrade",outcome="success"} 1');
    expect(text).toContain('mcs_helm_operation_duration_seconds_bucket{le="2.5",operation="upgrade",outcome="success"} 0');
    expect(text).toContain('mcs_helm_operation_duration_seconds_sum{operation="upgrade",outcome="failure"} 300');
  });

  it('records pulls, watch restarts and the time of the last event per kind', async () => {
    const registry = new Registry();
    let clock = 1_700_000_000_000;
    const m = registerEngineMetrics(registry, sources(), () => clock);
    m.chartPull('success');
    m.chartPull('failure');
    m.chartPull('failure');
    m.watchRestarted('Machine');
    m.watchEvent('Cluster');
    clock += 5_500;
    m.watchEvent('Cluster');
    const text = await scrape(registry);
    expect(text).toContain('mcs_chart_pulls_total{outcome="failure"} 2');
    expect(text).toContain('mcs_watch_restarts_total{kind="Machine"} 1');
    expect(text).toContain('mcs_watch_restarts_total{kind="Cluster"} 0');
    expect(text).toContain('mcs_watch_last_event_timestamp_seconds{kind="Cluster"} 1700000005.5');
    expect(text).not.toContain('mcs_watch_last_event_timestamp_seconds{kind="Machine"}');
  });

  it('counts a deadline failure for each status the observer computes that fails on the deadline', async () => {
    const registry = new Registry();
    const m = registerEngineMetrics(registry, sources());
    const answers = [{ timedOut: 'CREATE' as const }, { timedOut: null }, { timedOut: 'UPDATE' as const }, {}];
    let i = 0;
    const inner = { status: () => ({ response: { cluster: { status: 'CREATE_FAILED' } }, clusterAbsent: false, ...answers[i++] }) } as unknown as Observer;
    const observer = instrumentObserver(inner, m);
    for (let n = 0; n < answers.length; n++) observer.status(null as never, { release: 'r', namespace: 'n' }, new Date(), false);
    const text = await scrape(registry);
    expect(text).toContain('mcs_deadline_failures_total{operation="CREATE"} 1');
    expect(text).toContain('mcs_deadline_failures_total{operation="UPDATE"} 1');
  });

  it('counts each answered status call once, by the Magnum status it answers, and passes the answer on', async () => {
    const registry = new Registry();
    const m = registerEngineMetrics(registry, sources());
    const statuses = ['CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'DELETE_COMPLETE'];
    let i = 0;
    const inner = { clusterStatus: async () => ({ cluster: { status: statuses[i++] } }) } as unknown as Driver;
    const driver = instrumentDriver(inner, m);
    const answers = [];
    for (let n = 0; n < statuses.length; n++) answers.push(await driver.clusterStatus(null as never));
    expect(answers.map((a) => a.cluster.status)).toEqual(statuses);
    const text = await scrape(registry);
    expect(text).toContain('mcs_cluster_status_answers_total{status="CREATE_IN_PROGRESS"} 2');
    expect(text).toContain('mcs_cluster_status_answers_total{status="DELETE_COMPLETE"} 1');
  });

  it('gives every series a help text and the Prometheus unit and counter suffixes', async () => {
    const registry = new Registry();
    registerEngineMetrics(registry, sources());
    for (const metric of await registry.getMetricsAsJSON()) {
      expect(metric.help.length, metric.name).toBeGreaterThan(10);
      if (String(metric.type) === 'counter') expect(metric.name).toMatch(/_total$/);
      if (String(metric.type) === 'histogram') expect(metric.name).toMatch(/_seconds$/);
      expect(metric.name).toMatch(/^mcs_[a-z_]+$/);
    }
  });
});
