/**
 * Chart archives, pulled once per (reference, version) and reused: a status
 * storm or a batch of creates does not fetch the chart per operation.
 * Concurrent callers for the same chart share one pull.
 *
 * A pull is bounded by a timeout (helm pull has none of its own: a repository
 * that stops answering would otherwise hang every operation on that chart).
 * An archive is handed out only once helm has loaded it: helm pull saves
 * whatever a 200 answer carried (a proxy's error page, say), and an archive
 * left on disk by an earlier process may be broken; either is removed and
 * pulled again rather than failing every operation on that chart for good.
 * An archive removed from disk since (a tmp cleaner, an operator) is pulled
 * again too.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HelmFailed } from '../errors.js';
import { pullArgs } from './args.js';
import { archiveKey } from './chart-source.js';
import { runHelm, type HelmRunObserver } from './run.js';
import type { ChartRef, RegistryAccess } from './types.js';

export interface ChartCacheOptions {
  /** A pull still running after this long is killed and fails (the next operation tries again). */
  timeoutSeconds?: number;
  /** Told of every helm run (pull, and the check that an archive loads), for metrics. */
  onRun?: HelmRunObserver;
  /** Told how each pull from the repository ended: a pull that saved no loadable archive failed. */
  onPull?: (outcome: 'success' | 'failure') => void;
  /** How to reach an OCI registry (plain HTTP, credentials file). */
  registry?: RegistryAccess;
}

const DEFAULT_PULL_TIMEOUT_SECONDS = 120;

export class ChartCache {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly timeoutMs: number;
  pulls = 0;

  constructor(
    private readonly dir: string,
    private readonly binary: string,
    private readonly opts: ChartCacheOptions = {},
  ) {
    this.timeoutMs = (opts.timeoutSeconds ?? DEFAULT_PULL_TIMEOUT_SECONDS) * 1000;
  }

  private run(args: string[]): Promise<string> {
    return runHelm(args, { binary: this.binary, timeoutMs: this.timeoutMs, onRun: this.opts.onRun });
  }

  /** The archive path for a repository or registry chart; undefined for a local chart. */
  async archive(chart: ChartRef): Promise<string | undefined> {
    const source = archiveKey(chart);
    if (source === undefined) return undefined;
    const key = createHash('sha256').update(source).digest('hex').slice(0, 24);
    const pending = this.shared(key, chart);
    const path = await pending;
    if (await isFile(path)) return path;
    // Gone from disk since it was pulled: forget it and pull again.
    if (this.inFlight.get(key) === pending) this.inFlight.delete(key);
    return this.shared(key, chart);
  }

  /** The one pull (or check of the archive on disk) for this key that callers share. */
  private shared(key: string, chart: ChartRef): Promise<string> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(chart, join(this.dir, key));
      this.inFlight.set(key, pending);
      // A failed pull is not cached: the next operation tries again.
      pending.catch(() => this.inFlight.delete(key));
    }
    return pending;
  }

  private async fetch(chart: ChartRef, dest: string): Promise<string> {
    await mkdir(dest, { recursive: true });
    for (const file of await archivesIn(dest)) {
      const path = join(dest, file);
      if ((await this.problemWith(path)) === undefined) return path;
      await rm(path, { force: true });
    }
    this.pulls++;
    try {
      const path = await this.pull(chart, dest);
      this.opts.onPull?.('success');
      return path;
    } catch (err) {
      this.opts.onPull?.('failure');
      throw err;
    }
  }

  private async pull(chart: ChartRef, dest: string): Promise<string> {
    await this.run(pullArgs(chart, dest, this.opts.registry));
    const pulled = (await archivesIn(dest))[0];
    if (!pulled) throw new HelmFailed(`helm pull of chart ${chart.name} ${chart.version} left no archive`);
    const path = join(dest, pulled);
    const problem = await this.problemWith(path);
    if (problem !== undefined) {
      await rm(path, { force: true });
      throw new HelmFailed(`chart ${chart.name} ${chart.version}: the repository answered with something that is not a chart archive (${problem})`);
    }
    return path;
  }

  /** Why helm cannot load this archive, or undefined when it can. */
  private async problemWith(path: string): Promise<string | undefined> {
    try {
      await this.run(['show', 'chart', path]);
      return undefined;
    } catch (err) {
      if (err instanceof HelmFailed) return err.message;
      throw err;
    }
  }
}

async function archivesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.tgz')).sort();
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
