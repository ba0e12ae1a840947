/** The chart settings: which sources are accepted, and each refusal names its field. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'mcs-config-chart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chart configuration', () => {
  it.each([
    ['an https repository', { repo: 'https://azimuth-cloud.github.io/capi-helm-charts' }],
    ['an http repository on loopback', { repo: 'http://127.0.0.1:8879' }],
    ['an oci registry with a path', { repo: 'oci://registry.example.test/capi/charts' }],
    ['an oci registry on loopback over plain HTTP', { repo: 'oci://127.0.0.1:5000/charts', plainHttp: true }],
    ['an oci registry with a credentials file', { repo: 'oci://registry.example.test/charts', registryConfig: '/etc/mcs/registry.json' }],
    ['a full oci reference as the name', { repo: '', name: 'oci://registry.example.test/charts/openstack-cluster', plainHttp: false }],
    ['a local chart', { repo: '', name: '/srv/charts/openstack-cluster' }],
  ])('accepts %s', (_name, chart) => {
    expect(() => parseConfig({ chart })).not.toThrow();
  });

  it.each([
    ['a repository without a scheme', { repo: 'registry.example.test/charts' }, /^chart\.repo: expected an http\(s\):\/\/ chart repository URL, an oci:\/\/host\/path registry, or empty for a local chart$/],
    ['another scheme', { repo: 'ftp://charts.example.test' }, /^chart\.repo: expected an http\(s\):\/\//],
    ['an oci registry without a host', { repo: 'oci://' }, /^chart\.repo: expected/],
    ['a full oci reference beside a repo', { repo: 'oci://registry.example.test/charts', name: 'oci://registry.example.test/charts/openstack-cluster' }, /^chart\.name: a full oci:\/\/ reference goes with an empty chart\.repo/],
    ['a path as the chart in a registry', { repo: 'oci://registry.example.test/charts', name: '../openstack-cluster' }, /^chart\.name: expected the chart's name in the oci:\/\/ registry/],
    ['plain HTTP for an http repository', { repo: 'https://charts.example.test', plainHttp: true }, /^chart\.plainHttp: applies only to an oci:\/\/ chart registry/],
    ['a credentials file for a local chart', { repo: '', name: '/srv/charts/openstack-cluster', registryConfig: '/etc/mcs/registry.json' }, /^chart\.registryConfig: applies only to an oci:\/\/ chart registry/],
  ])('refuses %s, naming the field', (_name, chart, pattern) => {
    // One problem, and it names the field.
    expect(() => parseConfig({ chart })).toThrow(expect.objectContaining({ problems: [expect.stringMatching(pattern)] }));
  });

  it('takes plain HTTP and the credentials file from variables', () => {
    const config = loadConfig({ MCS_CHART__REPO: 'oci://127.0.0.1:5000/charts', MCS_CHART__PLAIN_HTTP: 'true', MCS_CHART__REGISTRY_CONFIG: '/etc/mcs/registry.json' }, '/');
    expect(config.chart).toMatchObject({ repo: 'oci://127.0.0.1:5000/charts', plainHttp: true, registryConfig: '/etc/mcs/registry.json' });
  });

  it('resolves the credentials file of a YAML file against its directory', () => {
    const file = join(dir, 'mcs.yaml');
    writeFileSync(file, 'chart:\n  repo: oci://registry.example.test/charts\n  registryConfig: secrets/registry.json\n');
    expect(loadConfig({ MCS_CONFIG: file }).chart.registryConfig).toBe(join(dir, 'secrets/registry.json'));
  });
});
