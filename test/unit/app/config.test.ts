import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, loadConfig } from '../../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'mcs-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tempFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.chart).toEqual({
      repo: 'https://azimuth-cloud.github.io/capi-helm-charts',
      name: 'openstack-cluster',
      defaultVersion: '0.27.0',
    });
    expect(config.limits).toMatchObject({ minFlavorRamMb: 2048, minFlavorVcpus: 2 });
    expect(config.namespacePrefix).toBe('magnum');
  });

  it.each([
    ['MCS_LISTEN', '0.0.0.0:9000', (c: ReturnType<typeof loadConfig>) => c.listen, { host: '0.0.0.0', port: 9000 }],
    ['MCS_LISTEN', '[::1]:9000', (c: ReturnType<typeof loadConfig>) => c.listen, { host: '::1', port: 9000 }],
    ['MCS_HELM__CONCURRENCY', '7', (c: ReturnType<typeof loadConfig>) => c.helm.concurrency, 7],
    ['MCS_CHART__DEFAULT_VERSION', '0.26.1', (c: ReturnType<typeof loadConfig>) => c.chart.defaultVersion, '0.26.1'],
    ['MCS_LIMITS__MIN_FLAVOR_RAM_MB', '4096', (c: ReturnType<typeof loadConfig>) => c.limits.minFlavorRamMb, 4096],
    ['MCS_LABEL_DEFAULTS__monitoring_enabled', 'true', (c: ReturnType<typeof loadConfig>) => c.labelDefaults, { monitoring_enabled: 'true' }],
    ['MCS_VALUES_OVERLAYS', '/a.yaml,/b.yaml', (c: ReturnType<typeof loadConfig>) => c.valuesOverlays, ['/a.yaml', '/b.yaml']],
    ['MCS_AUDIT__ENABLED', 'false', (c: ReturnType<typeof loadConfig>) => c.audit.enabled, false],
    ['MCS_AUDIT__FILE', '/var/log/mcs/audit.log', (c: ReturnType<typeof loadConfig>) => c.audit, { enabled: true, file: '/var/log/mcs/audit.log' }],
    ['MCS_RATE_LIMIT__MAX', '50', (c: ReturnType<typeof loadConfig>) => c.rateLimit, { max: 50, windowSeconds: 60 }],
    ['MCS_LEASE__DURATION_SECONDS', '15', (c: ReturnType<typeof loadConfig>) => c.lease, { durationSeconds: 15, waitSeconds: 20 }],
    ['MCS_LEASE__IDENTITY', 'sidecar-7f9c-x2', (c: ReturnType<typeof loadConfig>) => c.lease.identity, 'sidecar-7f9c-x2'],
  ])('%s=%s sets the setting', (key, value, pick, expected) => {
    expect(pick(loadConfig({ [key]: value }))).toEqual(expected);
  });

  it('audits by default and limits non-driver callers to 300 calls a minute', () => {
    expect(loadConfig({})).toMatchObject({ audit: { enabled: true }, rateLimit: { max: 300, windowSeconds: 60 } });
  });

  it('resolves the client CA and the audit file of a YAML file against its directory', () => {
    const file = tempFile('tls.yaml', 'tls: {cert: c.pem, key: k.pem, clientCA: clients.pem}\naudit: {enabled: true, file: audit.log}\n');
    const config = loadConfig({ MCS_CONFIG: file });
    expect(config.tls).toEqual({ cert: join(dir, 'c.pem'), key: join(dir, 'k.pem'), clientCA: join(dir, 'clients.pem') });
    expect(config.audit.file).toBe(join(dir, 'audit.log'));
  });

  it('takes the client CA from MCS_TLS__CLIENT_CA', () => {
    const config = loadConfig({ MCS_TLS__CERT: '/c.pem', MCS_TLS__KEY: '/k.pem', MCS_TLS__CLIENT_CA: '/etc/mcs/clients.pem' });
    expect(config.tls?.clientCA).toBe('/etc/mcs/clients.pem');
  });

  it('refuses an audit switch that is not a boolean, naming it', () => {
    expect(() => loadConfig({ MCS_AUDIT__ENABLED: 'sometimes' })).toThrow(/audit\.enabled/);
  });

  it('resolves relative paths from the environment against the working directory', () => {
    expect(loadConfig({ MCS_TOKENS_FILE: 'tokens' }, '/etc/mcs').tokensFile).toBe('/etc/mcs/tokens');
  });

  it('reads a YAML file, relative paths against its directory, with the environment on top', () => {
    const file = tempFile('sidecar.yaml', 'listen: 127.0.0.1:7000\ntokensFile: tokens\nhelm:\n  concurrency: 2\n  timeoutSeconds: 60\n');
    const config = loadConfig({ MCS_CONFIG: file, MCS_HELM__CONCURRENCY: '9' });
    expect(config.listen.port).toBe(7000);
    expect(config.tokensFile).toBe(join(file, '..', 'tokens'));
    expect(config.helm).toMatchObject({ concurrency: 9, timeoutSeconds: 60 });
  });

  it('names every bad field at once', () => {
    const problems = problemsOf(() =>
      loadConfig({ MCS_LISTEN: 'localhost', MCS_HELM__CONCURRENCY: 'many', MCS_NAMESPACE_PREFIX: 'Not_A_Label', MCS_BOGUS: 'x' }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^listen: expected host:port/),
        expect.stringMatching(/^helm\.concurrency: /),
        expect.stringMatching(/^namespacePrefix: must be a DNS label/),
        expect.stringMatching(/bogus/),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it.each([
    ['a missing file', () => loadConfig({ MCS_CONFIG: '/nonexistent/mcs.yaml' }), /MCS_CONFIG: cannot read .* ENOENT/],
    ['invalid YAML', () => loadConfig({ MCS_CONFIG: tempFile('bad.yaml', 'listen: [\n') }), /not valid YAML/],
    ['a YAML list', () => loadConfig({ MCS_CONFIG: tempFile('list.yaml', '- a\n') }), /must hold a YAML mapping/],
    // The shim gives up after at most 55 s: a longer wait would answer nobody.
    ['a lease wait the shim cannot outlast', () => loadConfig({ MCS_LEASE__WAIT_SECONDS: '60' }), /^lease\.waitSeconds: must stay below the shim's timeout/],
    ['an unknown key in the file', () => loadConfig({ MCS_CONFIG: tempFile('k.yaml', 'chart:\n  versoin: 1\n') }), /chart: Unrecognized key: "versoin"/],
    // magnum-capi-helm took a list of strings here; the chart needs Kubernetes' topology shape.
    ['topologies as plain strings', () => loadConfig({ MCS_CONFIG: tempFile('t.yaml', 'csiCinderAllowedTopologies: [az1]\n') }), /^csiCinderAllowedTopologies\.0: /],
    ['a topology expression without values', () => loadConfig({ MCS_CONFIG: tempFile('t2.yaml', 'csiCinderAllowedTopologies:\n- matchLabelExpressions: [{key: zone, values: []}]\n') }), /csiCinderAllowedTopologies\.0\.matchLabelExpressions\.0\.values: /],
  ])('reports %s', (_name, fn, pattern) => {
    expect(problemsOf(fn).join('\n')).toMatch(pattern);
  });

  it('takes allowed topologies from a variable as JSON, and names the setting when it is not', () => {
    const zones = [{ matchLabelExpressions: [{ key: 'topology.cinder.csi.openstack.org/zone', values: ['az1'] }] }];
    expect(loadConfig({ MCS_CSI_CINDER_ALLOWED_TOPOLOGIES: JSON.stringify(zones) }).csiCinderAllowedTopologies).toEqual(zones);
    expect(problemsOf(() => loadConfig({ MCS_CSI_CINDER_ALLOWED_TOPOLOGIES: 'az1,az2' }))).toEqual([expect.stringMatching(/^csiCinderAllowedTopologies: /)]);
  });

  it('maps MCS_ variables to nested camelCase keys and ignores others', () => {
    expect(configFromEnv({ MCS_HELM__BINARY: '/x/helm', HOME: '/root', MCS_CONFIG: 'f' })).toEqual({ helm: { binary: '/x/helm' } });
  });
});
