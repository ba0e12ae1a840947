import { describe, expect, it } from 'vitest';
import { clusterName, derivedName, isManagedNamespace, isReleaseName, namespaceFor, newReleaseName, randomSuffix, sanitise } from '../../../src/magnum/names.js';
import { releaseNameFor, suffixForUuid } from '../../../src/driver/release-name.js';

describe('sanitise', () => {
  it.each([
    ['k8s-cluster', 'k8s-cluster'],
    ['My Cluster', 'my-cluster'],
    ['a__b..c', 'a-b-c'],
    ['--edge--', 'edge'],
    ['ünïcode', 'n-code'],
    ['$(rm -rf /)', 'rm-rf'],
    ['🚀', ''],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(sanitise(raw)).toBe(expected);
  });
});

describe('release names', () => {
  const suffix = 'abcdefghij23';
  it.each([
    ['k8s', 'k8s-abcdefghij23'],
    ['Prod Cluster #1', 'prod-cluster-1-abcdefghij23'],
    // 30-character cut that ends in a dash: the dash goes, not a character more.
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbb', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa-abcdefghij23'],
    ['x'.repeat(50), `${'x'.repeat(30)}-abcdefghij23`],
    ['!!!', 'cluster-abcdefghij23'],
    [null, 'cluster-abcdefghij23'],
  ])('%j → %j', (name, expected) => {
    const release = newReleaseName(name, suffix);
    expect(release).toBe(expected);
    expect(release.length).toBeLessThanOrEqual(43);
    expect(release).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('random suffixes are 12 characters of [a-z2-7]', () => {
    for (let i = 0; i < 50; i++) expect(randomSuffix()).toMatch(/^[a-z2-7]{12}$/);
  });

  it('a uuid always gives the same suffix, and different uuids different ones', () => {
    expect(suffixForUuid('5D12F6FD-A196-4BF0-AE4C-1F639A523A52')).toBe(suffixForUuid('5d12f6fd-a196-4bf0-ae4c-1f639a523a52'));
    expect(suffixForUuid('5d12f6fd-a196-4bf0-ae4c-1f639a523a52')).toMatch(/^[a-z2-7]{12}$/);
    expect(suffixForUuid('a')).not.toBe(suffixForUuid('b'));
  });

  it('a saved stack_id is kept', () => {
    expect(releaseNameFor({ uuid: 'u', name: 'n', stack_id: 'kept-abcdefghijkl' })).toBe('kept-abcdefghijkl');
  });
});

describe('namespaces', () => {
  it.each([
    ['9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b', 'magnum', 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b'],
    ['9F0C-3A1B', 'magnum', 'magnum-9f0c3a1b'],
    ['../etc', 'mcs', 'mcs-etc'],
  ])('project %j with prefix %j → %j', (project, prefix, expected) => {
    expect(namespaceFor(project, prefix)).toBe(expected);
  });
});

describe('derived names, cut as the chart cuts them', () => {
  const release = 'k8s-cluster-abcdefghij23';
  it.each([
    ['control-plane', 'k8s-cluster-abcdefghij23-control-plane'],
    ['cloud-credentials', 'k8s-cluster-abcdefghij23-cloud-credentials'],
    ['default-worker', 'k8s-cluster-abcdefghij23-default-worker'],
    // 63 characters exactly stay whole
    ['x'.repeat(38), `${release}-${'x'.repeat(38)}`],
    // longer names are cut at 63
    ['y'.repeat(80), `${release}-${'y'.repeat(38)}`],
    // a cut that lands on a dash drops that one dash
    [`${'z'.repeat(37)}-tail`, `${release}-${'z'.repeat(37)}`],
  ])('%j → %j', (component, expected) => {
    const name = derivedName(release, component);
    expect(name).toBe(expected);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it('the cluster itself is named after the release', () => {
    expect(clusterName(release)).toBe(release);
  });
});

describe('isReleaseName', () => {
  it.each([
    ['k8s-cluster-abcdefghij23', true],
    ['a', true],
    ['a'.repeat(53), true],
    ['a'.repeat(54), false],
    ['-a', false],
    ['a-', false],
    ['A', false],
    ['a_b', false],
    ['', false],
  ])('%j → %s', (name, ok) => {
    expect(isReleaseName(name)).toBe(ok);
  });
});

describe('isManagedNamespace', () => {
  it.each([
    ['magnum-9f0c3a1b', 'magnum', true],
    ['magnum', 'magnum', false],
    ['magnumx-1', 'magnum', false],
    ['kube-system', 'magnum', false],
    [undefined, 'magnum', false],
  ])('%j with prefix %s → %s', (ns, prefix, ok) => {
    expect(isManagedNamespace(ns, prefix)).toBe(ok);
  });
});
