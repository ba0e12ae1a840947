/**
 * The sidecar's Helm chart (deploy/chart/magnum-capi-sidecar): it lints under
 * helm 3 and 4, and what it renders passes a server-side dry run of the real
 * API server, for the default values and for a values file with TLS, a
 * ServiceMonitor and an external tokens Secret. The config.yaml it writes is
 * one the service's own loader accepts, holds every setting of the
 * configuration table, and points at the files the pod mounts.
 * (The RBAC and admission policy are checked, object by object, on the
 * default rendering in manifests.test.ts.)
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll, load as loadYaml } from 'js-yaml';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
import { ConfigSchema, parseConfig } from '../../../src/config.js';

const ROOT = join(import.meta.dirname, '../../..');
const CHART = join(ROOT, 'deploy/chart/magnum-capi-sidecar');
const KUBECTL = join(ROOT, '.tools/helm3/kubectl');
const FULL = join(import.meta.dirname, 'values-tls-monitor.yaml');
const NS = 'mcs-chart';
const HELMS = [['helm 3', '.tools/helm3/helm'], ['helm 4', '.tools/helm4/helm']] as const;
const VALUES = [['default values', []], ['TLS, ServiceMonitor and external tokens', ['--values', FULL]]] as const;

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: Record<string, string> };

function kubectl(args: string[], input?: string) {
  return execa(KUBECTL, ['--kubeconfig', inject('kubeconfig'), ...args], { reject: false, ...(input === undefined ? {} : { input }) });
}

async function template(extra: readonly string[], helm: string = HELMS[0][1]): Promise<string> {
  const r = await execa(join(ROOT, helm), ['template', 'magnum-capi-sidecar', CHART, '--namespace', NS, ...extra], { reject: false });
  if (r.exitCode !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return r.stdout;
}

async function rendered(extra: readonly string[]): Promise<Obj[]> {
  return (loadAll(await template(extra)) as (Obj | null)[]).filter((o): o is Obj => o !== null);
}

function configOf(objs: Obj[]) {
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'magnum-capi-sidecar')!;
  return loadYaml(cm.data!['config.yaml']!) as Record<string, unknown>;
}

type Def = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> };

/** Dotted keys of the settings, as the operator guide's table lists them. */
function leafKeys(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  if (def.innerType && ['default', 'prefault', 'optional', 'nullable'].includes(def.type)) return leafKeys(def.innerType, prefix);
  if (def.type === 'object' && def.shape) return Object.entries(def.shape).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

/** Settings the chart writes itself, from other values, and why. */
const CHART_OWNED: Record<string, string> = {
  listen: 'the container port, 0.0.0.0:8080',
  kubeconfig: 'in-cluster: the pod\'s service account',
  tokensFile: 'the tokens Secret\'s mount (tokens.existingSecret, tokens.key)',
  'tls.cert': 'the TLS Secret\'s mount (tls.existingSecret)',
  'tls.key': 'the TLS Secret\'s mount (tls.existingSecret)',
  'tls.clientCA': 'a key of the TLS Secret, mounted beside it (tls.clientCAKey)',
  'lease.identity': 'the pod\'s name, from the downward API (MCS_LEASE__IDENTITY)',
  valuesOverlays: 'the overlays ConfigMap\'s mount (valuesOverlays)',
  devDataDir: 'development mode only: never used with a kubeconfig',
  devCapi: 'development mode only: how the local cluster runs Cluster API',
};

describe('the magnum-capi-sidecar chart', () => {
  describe.each(HELMS)('%s lint', (_label, helm) => {
    it.each(VALUES)('passes helm lint --strict with %s', async (_name, extra) => {
      const r = await execa(join(ROOT, helm), ['lint', '--strict', CHART, '--namespace', NS, ...extra], { reject: false });
      expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(r.exitCode).toBe(0);
    });

    it('renders the same as helm 3 does', async () => {
      expect(await template(['--values', FULL], helm)).toBe(await template(['--values', FULL]));
    });
  });

  describe('against the API server', () => {
    beforeAll(async () => {
      const crd = await kubectl(['apply', '-f', join(import.meta.dirname, 'servicemonitor-crd.yaml')]);
      if (crd.exitCode !== 0) throw new Error(`ServiceMonitor CRD: ${crd.stderr}`);
      const est = await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/servicemonitors.monitoring.coreos.com']);
      if (est.exitCode !== 0) throw new Error(`ServiceMonitor CRD not established: ${est.stderr}`);
      await kubectl(['create', 'namespace', NS]);
    });

    it.each([
      ['default values', [] as readonly string[], ['clusterrole.rbac.authorization.k8s.io/magnum-capi-sidecar', 'clusterrolebinding.rbac.authorization.k8s.io/magnum-capi-sidecar', 'configmap/magnum-capi-sidecar', 'deployment.apps/magnum-capi-sidecar', 'poddisruptionbudget.policy/magnum-capi-sidecar', 'service/magnum-capi-sidecar', 'serviceaccount/magnum-capi-sidecar', 'validatingadmissionpolicy.admissionregistration.k8s.io/magnum-capi-sidecar-namespaces', 'validatingadmissionpolicybinding.admissionregistration.k8s.io/magnum-capi-sidecar-namespaces']],
      ['TLS, ServiceMonitor and external tokens', ['--values', FULL] as readonly string[], ['clusterrole.rbac.authorization.k8s.io/magnum-capi-sidecar', 'clusterrolebinding.rbac.authorization.k8s.io/magnum-capi-sidecar', 'configmap/magnum-capi-sidecar', 'configmap/magnum-capi-sidecar-overlays', 'deployment.apps/magnum-capi-sidecar', 'poddisruptionbudget.policy/magnum-capi-sidecar', 'service/magnum-capi-sidecar', 'serviceaccount/magnum-capi-sidecar', 'servicemonitor.monitoring.coreos.com/magnum-capi-sidecar', 'validatingadmissionpolicy.admissionregistration.k8s.io/magnum-capi-sidecar-namespaces', 'validatingadmissionpolicybinding.admissionregistration.k8s.io/magnum-capi-sidecar-namespaces']],
    ])('helm template | kubectl apply --dry-run=server passes with %s', async (_name, extra, objects) => {
      const r = await kubectl(['apply', '--dry-run=server', '-n', NS, '-f', '-'], await template(extra));
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const applied = r.stdout.split('\n').filter(Boolean).map((l) => l.replace(/ (created|configured|unchanged) \(server dry run\)$/, ''));
      expect(applied.sort()).toEqual(objects);
    });

    it('is refused by the API server when a value breaks a field (the dry run checks, not just parses)', async () => {
      const r = await kubectl(['apply', '--dry-run=server', '-n', NS, '-f', '-'], await template(['--values', FULL, '--set', 'serviceMonitor.interval=often']));
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/servicemonitor.*interval/is);
    });
  });

  describe('config.yaml', () => {
    it('holds every setting of the configuration table, as a value or written by the chart', () => {
      const values = loadYaml(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { config: Record<string, unknown> };
      const offered = leafKeys(ConfigSchema).filter((k) => !(k in CHART_OWNED));
      const at = (path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], values.config);
      expect(offered.filter((k) => at(k) === undefined)).toEqual([]);
      expect(Object.keys(CHART_OWNED).every((k) => leafKeys(ConfigSchema).includes(k))).toBe(true);
    });

    it('is accepted by the service with the default values, the defaults the service has itself', async () => {
      const raw = configOf(await rendered([]));
      const config = parseConfig(raw);
      const defaults = parseConfig({});
      expect(config).toMatchObject({
        listen: { host: '0.0.0.0', port: 8080 },
        kubeconfig: 'in-cluster',
        tokensFile: '/etc/magnum-capi-sidecar/tokens/tokens',
        chart: defaults.chart,
        limits: defaults.limits,
        status: defaults.status,
        namespacePrefix: defaults.namespacePrefix,
        valuesOverlays: [],
      });
      expect(config.tls).toBeUndefined();
      expect(config.defaultVolumeType).toBeUndefined();
    });

    it('carries the values file\'s settings, label defaults as strings, and the mounted files\' paths', async () => {
      const objs = await rendered(['--values', FULL]);
      const config = parseConfig(configOf(objs));
      expect(config).toMatchObject({
        tls: { cert: '/etc/magnum-capi-sidecar/tls/tls.crt', key: '/etc/magnum-capi-sidecar/tls/tls.key' },
        tokensFile: '/etc/magnum-capi-sidecar/tokens/capi-sidecar',
        chart: { defaultVersion: '0.26.1' },
        helm: { concurrency: 8 },
        namespacePrefix: 'magnumlab',
        labelDefaults: { monitoring_enabled: 'true', boot_volume_size: '40' },
        defaultVolumeType: 'ceph-ssd',
        status: { defaultCreateTimeoutMinutes: 90 },
        logLevel: 'debug',
        valuesOverlays: ['/etc/magnum-capi-sidecar/overlays/10-registry.yaml'],
      });
      const overlays = objs.find((o) => o.metadata.name === 'magnum-capi-sidecar-overlays')!;
      expect(loadYaml(overlays.data!['10-registry.yaml']!)).toEqual({ registryMirrors: { 'docker.io': ['https://mirror.example'] } });

      const pod = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec;
      const container = pod.containers[0];
      const mountOf = (volume: string) => container.volumeMounts.find((m: { name: string }) => m.name === volume)?.mountPath;
      const volumeOf = (volume: string) => pod.volumes.find((v: { name: string }) => v.name === volume);
      expect(volumeOf('tokens').secret).toEqual({ secretName: 'site-magnum-tokens', items: [{ key: 'capi-sidecar', path: 'capi-sidecar' }] });
      expect(`${mountOf('tokens')}/capi-sidecar`).toBe(config.tokensFile);
      expect(volumeOf('tls').secret.secretName).toBe('sidecar-serving-cert');
      expect(`${mountOf('tls')}/tls.crt`).toBe(config.tls!.cert);
      expect(volumeOf('overlays').configMap.name).toBe('magnum-capi-sidecar-overlays');
      expect(`${mountOf('overlays')}/10-registry.yaml`).toBe(config.valuesOverlays[0]);
      // Registry passwords: a Secret mounted as files, named by registryAuth (issue 16).
      expect(volumeOf('registry').secret).toEqual({ secretName: 'site-registry-passwords' });
      expect(config.registryAuth['registry.example.com:5000']!.passwordFile.startsWith(`${mountOf('registry')}/`)).toBe(true);
      expect(config.insecureRegistries).toEqual(['registry.local:5000']);
      expect(`${mountOf('config')}/config.yaml`).toBe(container.env.find((e: { name: string }) => e.name === 'MCS_CONFIG').value);
      expect(container.livenessProbe.httpGet.scheme).toBe('HTTPS');
      expect(container.readinessProbe.httpGet.scheme).toBe('HTTPS');
      expect(objs.find((o) => o.kind === 'ServiceMonitor')!.spec.endpoints[0]).toMatchObject({ scheme: 'https', path: '/metrics', port: 'http' });
    });

    it('keeps the admission policy on the configured namespace prefix', async () => {
      const policy = (await rendered(['--values', FULL])).find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
      expect(policy.spec.validations[0].expression).toContain("matches('^magnumlab-[a-z0-9]+$')");
      expect(policy.spec.matchConditions[0].expression).toBe(`request.userInfo.username == 'system:serviceaccount:${NS}:magnum-capi-sidecar'`);
    });

    it.each([
      ['tls.enabled without a Secret', ['--set', 'tls.enabled=true'], /tls.existingSecret: name the kubernetes.io\/tls Secret/],
      ['no tokens Secret', ['--set', 'tokens.existingSecret='], /tokens.existingSecret: name the Secret holding the bearer tokens/],
    ])('refuses to render %s, naming the value', async (_name, extra, message) => {
      await expect(template(extra)).rejects.toThrow(message);
    });

    it('rolls the pods when the configuration changes', async () => {
      const checksum = async (extra: string[]) => (await rendered(extra)).find((o) => o.kind === 'Deployment')!.spec.template.metadata.annotations['checksum/config'];
      expect(await checksum([])).not.toBe(await checksum(['--set', 'config.logLevel=debug']));
      expect(await checksum([])).toBe(await checksum([]));
    });
  });
});
