/** The Kubernetes version guard every helm path runs (issue 14, defect 1). */
import { describe, expect, it } from 'vitest';
import { checkKubeVersion, highestVersion, type VersionChange } from '../../../src/driver/upgrade-rules.js';

describe('checkKubeVersion', () => {
  it.each<[VersionChange, string | null, string | null, RegExp | null]>([
    // An upgrade: one minor forward at most, never back.
    ['upgrade', 'v1.31.4', 'v1.32.1', null],
    ['upgrade', 'v1.31.4', 'v1.31.9', null],
    ['upgrade', 'v1.31.4', 'v1.31.4', null],
    ['upgrade', 'v1.31.4', 'v1.33.0', /^upgrading Kubernetes from v1\.31\.4 to v1\.33\.0 skips a minor version/],
    ['upgrade', 'v1.32.1', 'v1.31.4', /^downgrading Kubernetes from v1\.32\.1 to v1\.31\.4 is not supported/],
    ['upgrade', 'v1.31.4', 'v2.0.0', /skips a minor version/],
    // Every other path keeps the minor and never goes back.
    ['same-minor', 'v1.31.4', 'v1.31.4', null],
    ['same-minor', 'v1.31.4', 'v1.31.5', null],
    ['same-minor', 'v1.32.1', 'v1.31.4', /^downgrading Kubernetes from v1\.32\.1 to v1\.31\.4/],
    ['same-minor', 'v1.31.5', 'v1.31.4', /^downgrading Kubernetes from v1\.31\.5 to v1\.31\.4/],
    ['same-minor', 'v1.31.4', 'v1.32.1', /^changing Kubernetes from v1\.31\.4 to v1\.32\.1 is an upgrade; only upgrade_cluster/],
    ['same-minor', 'v1.31.4', 'v1.34.0', /skips a minor version/],
    // Nothing observed (a first create) or an unreadable version: nothing to roll back.
    ['same-minor', null, 'v1.31.4', null],
    ['same-minor', 'v1.31.4', null, null],
    ['same-minor', 'latest', 'v1.20.0', null],
  ])('%s from %s to %s', (change, current, target, refused) => {
    const run = () => checkKubeVersion(change, current, target);
    if (!refused) return expect(run).not.toThrow();
    expect(run).toThrow(refused);
    try {
      run();
    } catch (err) {
      expect(err).toMatchObject({ statusCode: 422, code: 'not_supported', field: 'cluster_template.image_id' });
    }
  });
});

describe('highestVersion', () => {
  it.each<[(string | null | undefined)[], string | null]>([
    [['v1.31.4', 'v1.32.1'], 'v1.32.1'],
    [['v1.32.1', 'v1.31.4', null], 'v1.32.1'],
    [[undefined, 'v1.31.4'], 'v1.31.4'],
    [['v1.31.10', 'v1.31.9'], 'v1.31.10'],
    [[null, undefined, 'garbage'], null],
  ])('%j → %s', (versions, expected) => {
    expect(highestVersion(...versions)).toBe(expected);
  });
});
