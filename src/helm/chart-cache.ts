/**
 * Chart archives, pulled once per (repo, name, version) and reused: a status
 * storm or a batch of creates does not fetch the chart per operation.
 * Concurrent callers for the same chart share one pull.
 *
 * A pull is bounded by a timeout (helm pull has none of its own: a repository
 * that stops answering would otherwise hang every operation on that chart).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pullArgs } from './args.js';
import { runHelm } from './run.js';
import type { ChartRef } from './types.js';

export interface ChartCacheOptions {
  /** A pull still running after this long is killed and fails (the next operation tries again). */
  timeoutSeconds?: number;
}

const DEFAULT_PULL_TIMEOUT_SECONDS = 120;

export class ChartCache {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly timeoutMs: number;
  pulls = 0;

  constructor(
    private readonly dir: string,
    private readonly binary: string,
    opts: ChartCacheOptions = {},
  ) {
    this.timeoutMs = (opts.timeoutSeconds ?? DEFAULT_PULL_TIMEOUT_SECONDS) * 1000;
  }

  private keyOf(chart: ChartRef): string {
    return createHash('sha256').update(`${chart.repo}\n${chart.name}\n${chart.version}`).digest('hex').slice(0, 24);
  }

  /** The archive path for a repository chart; undefined for a local chart (no repo). */
  async archive(chart: ChartRef): Promise<string | undefined> {
    if (!chart.repo) return undefined;
    const key = this.keyOf(chart);
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
    const existing = (await readdir(dest)).find((f) => f.endsWith('.tgz'));
    if (existing) return join(dest, existing);
    this.pulls++;
    await runHelm(pullArgs(chart, dest), { binary: this.binary, timeoutMs: this.timeoutMs });
    const pulled = (await readdir(dest)).find((f) => f.endsWith('.tgz'));
    if (!pulled) throw new Error(`helm pull left no archive in ${dest}`);
    return join(dest, pulled);
  }
}
