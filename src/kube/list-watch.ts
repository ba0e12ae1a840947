/**
 * The one list-and-watch loop every watch of the sidecar runs on (the Cluster
 * API kinds of the watch cache, the secrets of the cluster index).
 *
 * - Lists are paginated (`limit` and `continue`), and each page is reduced by
 *   `project` before the next is asked for, so a relist never holds a whole
 *   management cluster's objects at once; a continue token that expired
 *   mid-list starts the list again.
 * - The watch resumes from the last resourceVersion seen, bookmarks included
 *   (`allowWatchBookmarks`), so a quiet kind does not fall out of the
 *   server's window; only a 410 Gone (that window passed) costs a relist.
 * - Each watch asks the server to end it after `watchTimeoutSeconds`,
 *   randomised up to twice that as client-go does, and is resumed at once. A
 *   connection can die silently (a black-holing network, a proxy whose
 *   upstream went): one still open well past its limit is aborted as lost.
 *   Connection attempts and list pages are bounded too.
 * - A failure marks the watch broken and retries after a doubling back-off.
 * - `metadataOnly` asks for `PartialObjectMetadata` (no spec, status or
 *   data): what a Secret holds never reaches this process.
 * - After `stop()` no request is made and no event is delivered.
 *
 * Requests go through node:http(s) with the kubeconfig's TLS and auth, so the
 * Accept header and the bounds are ours to set.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import { ApiException, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { describeError as describe } from './errors.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './watch-backoff.js';

/** Where projected objects go: a fresh list replaces everything, events change one object. */
export interface ListWatchSink<T> {
  replace(items: T[]): void;
  upsert(item: T): void;
  remove(item: T): void;
}

export interface ListWatchOptions<T> {
  /** Collection path, e.g. `/apis/cluster.x-k8s.io/v1beta1/clusters` or `/api/v1/secrets`. */
  path: string;
  labelSelector?: string | undefined;
  /** Ask for `PartialObjectMetadata` only. */
  metadataOnly?: boolean | undefined;
  /** What is kept of an object as it arrives; undefined drops it (not ours). */
  project(raw: KubernetesObject): T | undefined;
  sink: ListWatchSink<T>;
  /** Objects per list page (default 100: a page of the chart's Manifests is then under 3 MB of JSON). */
  pageSize?: number | undefined;
  backoff?: BackoffPolicy | undefined;
  /** How long the server is asked to keep each watch open (default 300 s, randomised up to twice that). */
  watchTimeoutSeconds?: number | undefined;
  onError?: ((err: unknown) => void) | undefined;
}

export interface ListWatchState {
  phase: 'idle' | 'listing' | 'watching' | 'broken' | 'stopped';
  /** A list has completed since start: the sink holds every object. */
  listed: boolean;
  /** Failures in a row. */
  failures: number;
  error?: string | undefined;
}

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;
const JSON_TYPE = 'application/json';
/** The Accept header that asks for `PartialObjectMetadataList`: names, labels and owners, no data. */
export const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const METADATA_ITEM = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

interface ListPage {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubernetesObject[];
}

interface WatchEvent {
  type?: string;
  object?: KubernetesObject & { code?: number; message?: string };
}

class Expired extends Error {}
class Stopped extends Error {}

export class ListWatcher<T> {
  /** Requests made: list pages and watch connections. */
  readonly requests = { list: 0, watch: 0 };
  /** How many times the watch broke and was retried. */
  restarts = 0;
  /** When the last list page or watch event arrived (bookmarks included). */
  lastEventAt: Date | null = null;

  private current: ListWatchState = { phase: 'idle', listed: false, failures: 0 };
  private resourceVersion: string | undefined;
  private stopped = true;
  private abort: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly backoff: BackoffPolicy;
  private readonly watchSeconds: number;

  constructor(
    private readonly config: KubeConfig,
    private readonly opts: ListWatchOptions<T>,
  ) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.watchSeconds = opts.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
  }

  state(): ListWatchState {
    return { ...this.current };
  }

  /** Resolves once the first list and watch are established, or either failed (a failure is retried, not thrown). */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    this.current = { phase: 'listing', listed: false, failures: 0 };
    return new Promise((resolve) => {
      this.loop = this.run(resolve);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current.phase = 'stopped';
    this.abort?.();
    this.wake?.();
    await this.loop;
  }

  /** How long past the asked-for timeout a watch may stay open, and how long a connection attempt may take. */
  private graceMs(): number {
    return Math.min(30, this.watchSeconds) * 1000;
  }

  private async run(firstAttempt: () => void): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        await this.watch(firstAttempt);
      } catch (err) {
        firstAttempt();
        if (this.stopped || err instanceof Stopped) break;
        if (err instanceof Expired) {
          // The server no longer holds history from our resourceVersion: list afresh, at once.
          this.resourceVersion = undefined;
          continue;
        }
        this.current = { phase: 'broken', listed: this.current.listed, failures: this.current.failures + 1, error: describe(err) };
        this.restarts++;
        this.opts.onError?.(err);
        await this.sleep(backoffDelay(this.current.failures, this.backoff));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async list(): Promise<void> {
    this.current.phase = 'listing';
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    for (;;) {
      const query: Record<string, string> = { limit: String(this.opts.pageSize ?? DEFAULT_PAGE_SIZE) };
      if (token) query.continue = token;
      if (this.opts.labelSelector) query.labelSelector = this.opts.labelSelector;
      this.requests.list++;
      const res = await this.send(query, this.opts.metadataOnly ? METADATA_LIST : JSON_TYPE, Math.max(this.graceMs(), 120_000), true);
      if (res.statusCode === 410 && token) {
        // The continue token expired mid-list: start again from the first page.
        res.resume();
        items.length = 0;
        token = undefined;
        continue;
      }
      const page = JSON.parse(await body(res)) as ListPage;
      this.lastEventAt = new Date();
      for (const raw of page.items ?? []) {
        const kept = this.opts.project(raw);
        if (kept !== undefined) items.push(kept);
      }
      resourceVersion = page.metadata?.resourceVersion;
      token = page.metadata?.continue || undefined;
      if (!token) break;
    }
    if (this.stopped) throw new Stopped();
    this.opts.sink.replace(items);
    this.resourceVersion = resourceVersion;
    // Listed: the sink holds every object; watching once the watch is established, broken if it fails.
    this.current = { phase: 'listing', listed: true, failures: this.current.failures };
  }

  private async watch(established: () => void): Promise<void> {
    const limit = Math.ceil(this.watchSeconds * (1 + Math.random()));
    const query: Record<string, string> = { watch: 'true', allowWatchBookmarks: 'true', timeoutSeconds: String(limit) };
    if (this.resourceVersion) query.resourceVersion = this.resourceVersion;
    if (this.opts.labelSelector) query.labelSelector = this.opts.labelSelector;
    this.requests.watch++;
    const res = await this.send(query, this.opts.metadataOnly ? METADATA_ITEM : JSON_TYPE, this.graceMs(), false);
    if (res.statusCode === 410) {
      res.resume();
      throw new Expired();
    }
    this.current = { phase: 'watching', listed: this.current.listed, failures: 0 };
    established();
    const lost = setTimeout(() => res.destroy(new Error(`watch still open ${limit + this.graceMs() / 1000} s after it asked the server to end it at ${limit} s: connection lost`)), limit * 1000 + this.graceMs());
    let failure: unknown;
    try {
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      const ended = new Promise<void>((resolve, reject) => {
        res.on('error', reject);
        // readline passes its input's errors on: without a listener they would be uncaught.
        lines.on('error', reject);
        res.on('close', resolve);
        lines.on('close', resolve);
      });
      lines.on('line', (line) => {
        if (failure !== undefined || this.stopped || line === '') return;
        try {
          this.event(JSON.parse(line) as WatchEvent);
        } catch (err) {
          failure = err;
          res.destroy();
        }
      });
      await ended;
    } finally {
      clearTimeout(lost);
    }
    if (this.stopped) throw new Stopped();
    if (failure !== undefined) throw failure;
    if (res.errored) throw res.errored;
    if (!res.complete) throw new Error('watch connection closed before the server ended it');
  }

  private event(e: WatchEvent): void {
    const obj = e.object;
    this.lastEventAt = new Date();
    if (e.type === 'ERROR') {
      if (obj?.code === 410) throw new Expired();
      throw new ApiException(obj?.code ?? 0, 'watch', JSON.stringify({ message: obj?.message ?? 'watch error' }), {});
    }
    const rv = obj?.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (!obj || e.type === 'BOOKMARK') return;
    const kept = this.opts.project(obj);
    if (kept === undefined) return;
    if (e.type === 'DELETED') this.opts.sink.remove(kept);
    else if (e.type === 'ADDED' || e.type === 'MODIFIED') this.opts.sink.upsert(kept);
  }

  /**
   * One GET. `boundMs` bounds the wait for the response headers (and, for a
   * list, its whole body); `abort` is set so stop() can end it at once.
   */
  private async send(query: Record<string, string>, accept: string, boundMs: number, wholeBody: boolean): Promise<IncomingMessage> {
    if (this.stopped) throw new Stopped();
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + this.opts.path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const options: RequestOptions & { agent?: unknown } = { method: 'GET', headers: { Accept: accept } };
    await this.config.applyToHTTPSOptions(options as never);
    if (this.stopped) throw new Stopped();
    if (url.protocol === 'http:') delete options.agent;
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(url, options as RequestOptions, (res) => {
        if (!wholeBody) clearTimeout(timer);
        if (wholeBody) res.on('end', () => clearTimeout(timer));
        if (res.statusCode !== 200 && res.statusCode !== 410) {
          clearTimeout(timer);
          void body(res).then((text) => reject(new ApiException(res.statusCode ?? 0, 'list', text, {})), reject);
          return;
        }
        resolve(res);
      });
      const timer = setTimeout(() => req.destroy(new Error(`GET ${this.opts.path}: no answer within ${boundMs / 1000} s`)), boundMs);
      this.abort = () => req.destroy(new Stopped());
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(this.stopped ? new Stopped() : err);
      });
      req.on('close', () => clearTimeout(timer));
      req.end();
    });
  }
}

function body(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
