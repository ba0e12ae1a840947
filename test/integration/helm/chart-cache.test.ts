/**
 * The chart cache running the real `helm pull` (3 and 4) against a chart
 * repository served from this test: the test chart packaged by helm, and
 * answers a real repository (or the proxy in front of it) can give: none at
 * all, or something that is not a chart.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelmFailed } from '../../../src/errors.js';
import { ChartCache } from '../../../src/helm/chart-cache.js';
import { HELM_BINARIES } from '../harness/kube.js';

const ROOT = join(import.meta.dirname, '../../..');
const VERSION = '0.27.0-test';

type Mode = 'chart' | 'stall' | 'not-a-chart';

/** A chart repository whose archive URL answers as `mode` says; the index is always served. */
async function repository(archive: Buffer) {
  let mode: Mode = 'chart';
  const stalled = new Set<import('node:http').ServerResponse>();
  let url = '';
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/index.yaml')) {
      res.end(
        [
          'apiVersion: v1',
          'entries:',
          '  openstack-cluster:',
          '  - apiVersion: v2',
          '    name: openstack-cluster',
          `    version: ${VERSION}`,
          `    urls: [${url}/openstack-cluster-${VERSION}.tgz]`,
          'generated: "2026-01-01T00:00:00Z"',
          '',
        ].join('\n'),
      );
    } else if (mode === 'stall') {
      stalled.add(res); // never answered
    } else if (mode === 'not-a-chart') {
      res.end('<html><body>502 Bad Gateway</body></html>');
    } else {
      res.end(archive);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    set: (m: Mode) => (mode = m),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of stalled) res.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.each(HELM_BINARIES)('chart cache with %s', (_label, relative) => {
  const binary = join(ROOT, relative);
  const work = mkdtempSync(join(tmpdir(), 'mcs-chart-cache-'));
  const saved = process.env.HELM_CACHE_HOME;
  let repo: Awaited<ReturnType<typeof repository>>;
  let n = 0;
  /** A fresh cache directory, as a new sidecar with an empty cache has. */
  const cacheDir = () => join(work, `cache-${++n}`);
  const chart = () => ({ repo: repo.url, name: 'openstack-cluster', version: VERSION });
  /** helm itself must be able to load what the cache hands out. */
  const isChart = async (path: string) => (await execa(binary, ['show', 'chart', path], { reject: false })).exitCode === 0;

  beforeAll(async () => {
    // helm keeps the repository indexes it fetches here, not in the user's cache.
    process.env.HELM_CACHE_HOME = join(work, 'helm-cache');
    // The fixture chart, packaged here: this suite is about the cache and a repository that
    // misbehaves on demand (stalls, answers a proxy's error page), which the loopback repository
    // of the real chart does not do; any loadable archive serves, and this one needs no ../shared.
    await execa(binary, ['package', join(ROOT, 'test/fixtures/charts/openstack-cluster'), '--destination', work]);
    repo = await repository(await readFile(join(work, `openstack-cluster-${VERSION}.tgz`)));
  });
  afterAll(async () => {
    await repo.close();
    if (saved === undefined) delete process.env.HELM_CACHE_HOME;
    else process.env.HELM_CACHE_HOME = saved;
    rmSync(work, { recursive: true, force: true });
  });

  it('pulls a chart once and hands out an archive helm loads', async () => {
    repo.set('chart');
    const cache = new ChartCache(cacheDir(), binary);
    const paths = await Promise.all(Array.from({ length: 5 }, () => cache.archive(chart())));
    expect(new Set(paths).size).toBe(1);
    expect(cache.pulls).toBe(1);
    expect(await isChart(paths[0]!)).toBe(true);
  });

  it('kills a pull the repository never answers, and the next operation pulls again', async () => {
    repo.set('stall');
    const cache = new ChartCache(cacheDir(), binary, { timeoutSeconds: 2 });
    const hung = cache.archive(chart());
    await expect(hung).rejects.toBeInstanceOf(HelmFailed);
    await expect(hung).rejects.toThrow(/helm pull timed out/);
    repo.set('chart');
    const path = await cache.archive(chart());
    expect(await isChart(path!)).toBe(true);
  }, 30_000);

  it('refuses an answer that is not a chart and keeps nothing of it: the next operation pulls again', async () => {
    repo.set('not-a-chart');
    const dir = cacheDir();
    const pulls: string[] = [];
    const runs: string[] = [];
    const cache = new ChartCache(dir, binary, { onPull: (o) => pulls.push(o), onRun: (r) => runs.push(`${r.command} ${r.outcome}`) });
    const bad = cache.archive(chart());
    await expect(bad).rejects.toBeInstanceOf(HelmFailed);
    await expect(bad).rejects.toThrow(/openstack-cluster 0\.27\.0-test: the repository answered with something that is not a chart archive/);
    const [key] = await readdir(dir);
    expect(await readdir(join(dir, key!))).toEqual([]);
    repo.set('chart');
    const path = await cache.archive(chart());
    expect(await isChart(path!)).toBe(true);
    expect(cache.pulls).toBe(2);
    // For the metrics: helm pull itself succeeded the first time, the pull did not.
    expect(pulls).toEqual(['failure', 'success']);
    expect(runs).toEqual(['pull success', 'show failure', 'pull success', 'show success']);
  });

  it('pulls again over an archive an earlier process left broken on disk', async () => {
    repo.set('chart');
    const dir = cacheDir();
    const first = await new ChartCache(dir, binary).archive(chart());
    // Cut short, as a full disk or a copy interrupted leaves it.
    await writeFile(first!, (await readFile(first!)).subarray(0, 200));
    expect(await isChart(first!)).toBe(false);
    const restarted = new ChartCache(dir, binary);
    const path = await restarted.archive(chart());
    expect(await isChart(path!)).toBe(true);
    expect(restarted.pulls).toBe(1);
  });

  it('pulls again when the archive was removed from disk since it was pulled', async () => {
    repo.set('chart');
    const cache = new ChartCache(cacheDir(), binary);
    const first = await cache.archive(chart());
    await rm(first!);
    const path = await cache.archive(chart());
    expect(await isChart(path!)).toBe(true);
    expect(cache.pulls).toBe(2);
  });

  it('keeps the credentials of a repository URL out of the error when the repository cannot be reached', async () => {
    const cache = new ChartCache(cacheDir(), binary, { timeoutSeconds: 20 });
    const unreachable = cache.archive({ repo: 'http://magnum:s3cr3t-pw@127.0.0.1:1', name: 'openstack-cluster', version: VERSION });
    await expect(unreachable).rejects.toBeInstanceOf(HelmFailed);
    const message = ((await unreachable.catch((err: unknown) => err)) as Error).message;
    expect(message).toMatch(/is not a valid chart repository or cannot be reached/);
    expect(message).not.toContain('s3cr3t-pw');
  });
});
