/**
 * Charts from an OCI registry: the real openstack-cluster chart, every packaged
 * version pushed with `helm push` to distribution's registry on loopback, pulled
 * by version into the chart cache (helm 3 and helm 4), and a cluster created
 * through the sidecar from `chart.repo: oci://…`, where `capi_helm_chart_version`
 * picks the version installed. A registry that asks for credentials gets them
 * from the `chart.registryConfig` file only.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HelmFailed } from '../../src/errors.js';
import { ChartCache } from '../../src/helm/chart-cache.js';
import type { RegistryAccess } from '../../src/helm/types.js';
import { chartsOrSkip } from '../support/chart-repo.js';
import { buildOciRegistry, registryConfigFor, startOciRegistry, type Credentials, type OciRegistry } from '../support/oci-registry.js';
import { HELM_BINARIES, kube } from './harness/kube.js';
import { AUTH, ROOT, startService } from './harness/service.js';
import { clusterSpec } from './harness/specs.js';

const CHARTS = chartsOrSkip('test/integration/oci-charts.test.ts (charts from an OCI registry)');
const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const NAME = 'openstack-cluster';
const CREDENTIALS: Credentials = { username: 'magnum', password: 'oci-test-pw-7c2e91' };
const PLAIN: RegistryAccess = { plainHttp: true };

describe.skipIf(!CHARTS)('charts from an OCI registry', () => {
  const work = mkdtempSync(join(tmpdir(), 'mcs-oci-charts-'));
  let open: OciRegistry;
  let guarded: OciRegistry;
  let n = 0;
  const cacheDir = () => join(work, `cache-${++n}`);
  const chartVersionOf = async (helm: string, archive: string) =>
    /^version: (\S+)$/m.exec((await execa(join(ROOT, helm), ['show', 'chart', archive])).stdout)?.[1];

  beforeAll(async () => {
    const binary = await buildOciRegistry((line) => process.stderr.write(`${line}\n`));
    open = await startOciRegistry(binary, CHARTS!);
    guarded = await startOciRegistry(binary, CHARTS!, { credentials: CREDENTIALS });
    // helm keeps what it fetches here, not in the user's own cache.
    process.env.HELM_CACHE_HOME = join(work, 'helm-cache');
  }, 600_000);
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
    delete process.env.HELM_CACHE_HOME;
    rmSync(work, { recursive: true, force: true });
  });

  describe.each(HELM_BINARIES)('pulled with %s', (label, helm) => {
    const binary = join(ROOT, helm);

    it('pulls each version asked for once, and the full oci:// reference is the same archive', async () => {
      const cache = new ChartCache(cacheDir(), binary, { registry: PLAIN });
      const older = open.versions.at(-2)!;
      const newer = open.versions[1]!;
      const a = await cache.archive({ repo: open.repo, name: NAME, version: older });
      const b = await cache.archive({ repo: open.repo, name: NAME, version: newer });
      expect(await chartVersionOf(helm, a!)).toBe(older);
      expect(await chartVersionOf(helm, b!)).toBe(newer);
      expect(await cache.archive({ repo: `${open.repo}/`, name: NAME, version: older })).toBe(a);
      expect(await cache.archive({ repo: '', name: `${open.repo}/${NAME}`, version: older })).toBe(a);
      expect(cache.pulls).toBe(2);
      // The registry served exactly these tags: helm asked for the version, not for the newest.
      expect(open.log()).toContain(`/v2/charts/${NAME}/manifests/${older}`);
      expect(open.log()).toContain(`/v2/charts/${NAME}/manifests/${newer}`);
    });

    it('a version the registry does not hold fails with helm\'s words, and nothing is kept', async () => {
      const cache = new ChartCache(cacheDir(), binary, { registry: PLAIN });
      const missing = cache.archive({ repo: open.repo, name: NAME, version: '0.1.0' });
      await expect(missing).rejects.toBeInstanceOf(HelmFailed);
      await expect(missing).rejects.toThrow(/helm pull exit 1: .*(not found|0\.1\.0)/i);
      expect(cache.pulls).toBe(1);
    });

    it('a registry that asks for credentials refuses a pull without them and serves one with chart.registryConfig; the password reaches no message', async () => {
      const chart = { repo: guarded.repo, name: NAME, version: open.versions[0]! };
      const refused = new ChartCache(cacheDir(), binary, { registry: PLAIN }).archive(chart);
      const err = (await refused.catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(HelmFailed);
      expect(err.message).toMatch(/no basic auth credentials|unauthorized|basic credential not found/i);

      const registryConfig = join(work, `${label.replace(/\W/g, '')}-registry.json`);
      writeFileSync(registryConfig, registryConfigFor(guarded.host, CREDENTIALS), { mode: 0o600 });
      const cache = new ChartCache(cacheDir(), binary, { registry: { plainHttp: true, registryConfig } });
      const archive = await cache.archive(chart);
      expect(await chartVersionOf(helm, archive!)).toBe(chart.version);
      expect(err.message).not.toContain(CREDENTIALS.password);
    });
  });

  it('chart.plainHttp reaches helm: helm 4 without it speaks TLS to the plain-HTTP registry and fails', async () => {
    const cache = new ChartCache(cacheDir(), join(ROOT, '.tools/helm4/helm'));
    await expect(cache.archive({ repo: open.repo, name: NAME, version: open.versions[0]! })).rejects.toThrow(/HTTP response to HTTPS client/);
  });

  describe.each(HELM_BINARIES)('a cluster created through the sidecar with %s', (label, helm) => {
    const kubeconfig = inject('kubeconfig');
    const k = kube(kubeconfig);
    const tag = label.replace(/\W/g, '');

    /** POST /v1/clusters through a service configured with `chart`; the answer. */
    async function create(chart: { repo: string; name: string }, version?: string) {
      const svc = await startService(kubeconfig, { helm, config: { chart: { ...chart, defaultVersion: open.versions[0]!, plainHttp: true } } });
      try {
        await svc.waitReady();
        const spec = clusterSpec(`oci-${tag}-${version?.replace(/\./g, '') ?? 'default'}-${chart.repo ? 'repo' : 'ref'}`, (s) => {
          s.cluster_template.labels = version ? { capi_helm_chart_version: version } : {};
        });
        return await svc.app.inject({ method: 'POST', url: '/v1/clusters', headers: AUTH, payload: spec as object });
      } finally {
        await svc.close();
      }
    }
    /** The chart and version the Cluster of the release created by `answer` was rendered from. */
    async function installedChart(answer: Awaited<ReturnType<typeof create>>) {
      expect(answer.statusCode, answer.body).toBe(201);
      return (await k.get('Cluster', NS, answer.json().stack_id as string))?.metadata.labels['helm.sh/chart'];
    }

    it('installs the default version from chart.repo oci://, and capi_helm_chart_version picks another', async () => {
      const newest = open.versions[0]!;
      const older = open.versions.at(-2)!;
      expect(await installedChart(await create({ repo: open.repo, name: NAME }))).toBe(`${NAME}-${newest}`);
      expect(await installedChart(await create({ repo: open.repo, name: NAME }, older))).toBe(`${NAME}-${older}`);
    });

    it('installs the version asked for from a full oci:// reference as chart.name, not the newest', async () => {
      const older = open.versions[1]!;
      expect(await installedChart(await create({ repo: '', name: `${open.repo}/${NAME}` }, older))).toBe(`${NAME}-${older}`);
    });

    it('a version the registry does not hold is a 502 with helm\'s words, not the newest installed', async () => {
      const res = await create({ repo: open.repo, name: NAME }, '0.1.0');
      expect(res.statusCode, res.body).toBe(502);
      expect(res.json().error).toMatchObject({ code: 'helm_failed', message: expect.stringMatching(/^helm pull exit 1: .*0\.1\.0.*not found/i) });
    });
  });
});
