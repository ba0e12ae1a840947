/**
 * Where a chart comes from: a classic repository, an OCI registry (in
 * `chart.repo`, or a full reference as `chart.name`), or a local chart; which
 * archive it is cached as, and helm's flags for reaching a registry.
 */
import { describe, expect, it } from 'vitest';
import { archiveKey, chartSource, registryArgs } from '../../../src/helm/chart-source.js';

const REGISTRY = 'oci://registry.example.test/capi/charts';
const REFERENCE = `${REGISTRY}/openstack-cluster`;

describe('chart source', () => {
  it.each([
    ['an http repository', { repo: 'https://charts.example.test', name: 'openstack-cluster' }, { kind: 'repository', repo: 'https://charts.example.test', name: 'openstack-cluster' }],
    ['an oci registry in repo', { repo: REGISTRY, name: 'openstack-cluster' }, { kind: 'oci', reference: REFERENCE }],
    ['an oci registry in repo, with a trailing slash', { repo: `${REGISTRY}/`, name: 'openstack-cluster' }, { kind: 'oci', reference: REFERENCE }],
    ['a registry host alone', { repo: 'oci://127.0.0.1:5000', name: 'openstack-cluster' }, { kind: 'oci', reference: 'oci://127.0.0.1:5000/openstack-cluster' }],
    ['a full oci reference as the name', { repo: '', name: REFERENCE }, { kind: 'oci', reference: REFERENCE }],
    ['a local directory', { repo: '', name: '/charts/openstack-cluster' }, { kind: 'local', path: '/charts/openstack-cluster' }],
  ])('%s', (_name, chart, expected) => {
    expect(chartSource(chart)).toEqual(expected);
  });

  it.each([
    ['both oci spellings of one chart and version share an archive', { repo: REGISTRY, name: 'openstack-cluster', version: '0.26.1' }, { repo: '', name: REFERENCE, version: '0.26.1' }, true],
    ['another version is another archive', { repo: REGISTRY, name: 'openstack-cluster', version: '0.26.1' }, { repo: REGISTRY, name: 'openstack-cluster', version: '0.27.0' }, false],
    ['another registry is another archive', { repo: REGISTRY, name: 'openstack-cluster', version: '0.26.1' }, { repo: 'oci://mirror.example.test/charts', name: 'openstack-cluster', version: '0.26.1' }, false],
    ['an http repository is not the registry of the same path', { repo: 'https://registry.example.test/capi/charts', name: 'openstack-cluster', version: '0.26.1' }, { repo: REGISTRY, name: 'openstack-cluster', version: '0.26.1' }, false],
  ])('archive key: %s', (_name, a, b, same) => {
    expect(archiveKey(a) === archiveKey(b)).toBe(same);
  });

  it('a local chart has no archive key: it is used as it is', () => {
    expect(archiveKey({ repo: '', name: '/charts/openstack-cluster', version: '' })).toBeUndefined();
  });

  it.each([
    ['plain HTTP and credentials', { plainHttp: true, registryConfig: '/etc/mcs/registry.json' }, ['--plain-http', '--registry-config', '/etc/mcs/registry.json']],
    ['TLS without credentials', { plainHttp: false }, []],
    ['nothing set', undefined, []],
  ])('registry flags: %s', (_name, access, expected) => {
    expect(registryArgs(chartSource({ repo: REGISTRY, name: 'openstack-cluster' }), access)).toEqual(expected);
  });

  it('an http repository never gets the registry flags', () => {
    expect(registryArgs(chartSource({ repo: 'https://charts.example.test', name: 'openstack-cluster' }), { plainHttp: true, registryConfig: '/x' })).toEqual([]);
  });
});
