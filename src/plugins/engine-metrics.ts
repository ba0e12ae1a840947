/**
 * The engine's Prometheus series, recorded at the seams and nowhere else:
 * every helm run (runHelm's `onRun`), every chart pull (ChartCache), the
 * watch cache's callbacks, and the status answers (a decorator of the
 * driver's Observer). Gauges read their sources when scraped, so they cost
 * nothing between scrapes. Series other modules add register on the same
 * registry under their own names.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Observer } from '../driver/ports.js';
import type { Driver } from '../driver/types.js';
import type { HelmRun } from '../helm/run.js';
import { CLUSTER_STATES } from '../status/vocabulary.js';

/** What the gauges read at scrape time. */
export interface EngineMetricSources {
  /** Every kind the watch cache watches, so each has its series from the start. */
  kinds: readonly string[];
  helmRunning(): number;
  kubeRequests(): Record<string, number>;
  cacheObjects(): Record<string, number>;
  cacheSynced(): boolean;
  /** The state of every cluster this sidecar manages. */
  clusterStates(): Iterable<string>;
}

export interface EngineMetrics {
  helmRun(run: HelmRun): void;
  chartPull(outcome: 'success' | 'failure'): void;
  watchRestarted(kind: string): void;
  watchEvent(kind: string): void;
  statusAnswered(status: string): void;
  deadlineFailed(operation: 'CREATE' | 'UPDATE'): void;
}

/** helm runs last from tens of milliseconds (history) to the full `--timeout` (300 s by default). */
const HELM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function registerEngineMetrics(registry: Registry, sources: EngineMetricSources, now: () => number = Date.now): EngineMetrics {
  const registers = [registry];
  const helmDuration = new Histogram({
    name: 'mcs_helm_operation_duration_seconds',
    help: 'How long each helm command ran, by command and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: HELM_BUCKETS,
    registers,
  });
  const helmOperations = new Counter({
    name: 'mcs_helm_operations_total',
    help: 'helm commands run, by command, outcome (success, not_found, failure) and failure reason',
    labelNames: ['operation', 'outcome', 'reason'] as const,
    registers,
  });
  new Gauge({
    name: 'mcs_helm_operations_running',
    help: 'helm processes running now',
    registers,
    collect() {
      this.set(sources.helmRunning());
    },
  });
  const chartPulls = new Counter({
    name: 'mcs_chart_pulls_total',
    help: 'Chart archives pulled from a repository (cache misses), by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });
  const watchRestarts = new Counter({
    name: 'mcs_watch_restarts_total',
    help: 'Watches restarted after a failed list, a broken watch or a silent connection, by kind',
    labelNames: ['kind'] as const,
    registers,
  });
  const lastEvent = new Gauge({
    name: 'mcs_watch_last_event_timestamp_seconds',
    help: 'Unix time of the last object the watch cache took in, by kind',
    labelNames: ['kind'] as const,
    registers,
  });
  new Gauge({
    name: 'mcs_watch_cache_objects',
    help: 'Objects held in the watch cache, by kind',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      for (const [kind, n] of Object.entries(sources.cacheObjects())) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: 'mcs_watch_cache_synced',
    help: '1 when every watch has listed and none is broken (status calls are answered), else 0',
    registers,
    collect() {
      this.set(sources.cacheSynced() ? 1 : 0);
    },
  });
  // The cache counts its own requests; the counter takes what was added since the last scrape.
  const kubeRequestsSeen = new Map<string, number>();
  new Counter({
    name: 'mcs_kube_requests_total',
    help: 'Requests made to the management API by the watch cache (list pages, watch connections, fresh GETs), by kind of request',
    labelNames: ['request'] as const,
    registers,
    collect() {
      for (const [request, n] of Object.entries(sources.kubeRequests())) {
        this.inc({ request }, Math.max(0, n - (kubeRequestsSeen.get(request) ?? 0)));
        kubeRequestsSeen.set(request, n);
      }
    },
  });
  new Gauge({
    name: 'mcs_clusters',
    help: 'Managed clusters by state as Cluster API reports it (the state GET /v1/clusters shows)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const counts = new Map<string, number>(CLUSTER_STATES.map((s) => [s, 0]));
      for (const state of sources.clusterStates()) counts.set(state, (counts.get(state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  const statusAnswers = new Counter({
    name: 'mcs_cluster_status_answers_total',
    help: 'Status calls answered, by the Magnum status the answer gives the cluster',
    labelNames: ['status'] as const,
    registers,
  });
  const deadlineFailures = new Counter({
    name: 'mcs_deadline_failures_total',
    help: 'Creates and updates failed because create_timeout passed without progress, by operation',
    labelNames: ['operation'] as const,
    registers,
  });

  // Series that exist from the start read 0, not "no data", until something happens.
  for (const kind of sources.kinds) watchRestarts.inc({ kind }, 0);
  for (const outcome of ['success', 'failure']) chartPulls.inc({ outcome }, 0);
  for (const operation of ['CREATE', 'UPDATE']) deadlineFailures.inc({ operation }, 0);

  return {
    helmRun: (run) => {
      helmDuration.observe({ operation: run.command, outcome: run.outcome }, run.seconds);
      helmOperations.inc({ operation: run.command, outcome: run.outcome, reason: run.reason });
    },
    chartPull: (outcome) => chartPulls.inc({ outcome }),
    watchRestarted: (kind) => watchRestarts.inc({ kind }),
    watchEvent: (kind) => lastEvent.set({ kind }, now() / 1000),
    statusAnswered: (status) => statusAnswers.inc({ status }),
    deadlineFailed: (operation) => deadlineFailures.inc({ operation }),
  };
}

/** The driver's Observer, with every status computed that fails an operation on its deadline counted. */
export function instrumentObserver(observer: Observer, metrics: Pick<EngineMetrics, 'deadlineFailed'>): Observer {
  return {
    ...observer,
    status: (spec, ref, now, absenceConfirmed) => {
      const answer = observer.status(spec, ref, now, absenceConfirmed);
      if (answer.timedOut) metrics.deadlineFailed(answer.timedOut);
      return answer;
    },
  };
}

/**
 * The driver, with the Magnum status of every answered status call counted
 * (here rather than in the Observer, which a delete consults twice per call).
 */
export function instrumentDriver(driver: Driver, metrics: Pick<EngineMetrics, 'statusAnswered'>): Driver {
  return {
    ...driver,
    clusterStatus: async (spec) => {
      const answer = await driver.clusterStatus(spec);
      metrics.statusAnswered(answer.cluster.status);
      return answer;
    },
  };
}
