/** The Kubernetes version guard every helm path runs (issue 14, defect 1). */
import { describe, expect, it } from 'vitest';
import { checkKubeVersion, checkUpgrade, highestVersion, type VersionChange } from '../../../src/driver/upgrade-rules.js';
import { NotSupported } from '../../../src/errors.js';

describe('checkKubeVersion', () => {
  it.each<[VersionChange, string | null, string | null, RegExp | null]>([
    // An upgrade: one minor forward at most, never back.
    ['upgrade', 'v1.31.4', 'v1.32.1', null],
    ['upgrade', 'v1.31.4', 'v1.31.9', null],
    ['upgrade', 'v1.31.4', 'v1.31.4', null],
    ['upgrade', 'v1.31.4', 'v1.33.0', /^Kubernetes can be upgraded one minor version at a time only\. The cluster runs v1\.31\.4, the new template's image has v1\.33\.0$/],
    ['upgrade', 'v1.32.1', 'v1.31.4', /^Kubernetes cannot be downgraded\. The cluster runs v1\.32\.1, the new template's image has v1\.31\.4$/],
    ['upgrade', 'v1.31.4', 'v2.0.0', /^Kubernetes can be upgraded one minor version at a time only\./],
    // Every other path keeps the minor and never goes back.
    ['same-minor', 'v1.31.4', 'v1.31.4', null],
    ['same-minor', 'v1.31.4', 'v1.31.5', null],
    ['same-minor', 'v1.32.1', 'v1.31.4', /^Kubernetes cannot be downgraded\. The cluster runs v1\.32\.1/],
    ['same-minor', 'v1.31.5', 'v1.31.4', /^Kubernetes cannot be downgraded\. The cluster runs v1\.31\.5/],
    ['same-minor', 'v1.31.4', 'v1.32.1', /^Only an upgrade changes the Kubernetes minor version\. The cluster runs v1\.31\.4, this call's image has v1\.32\.1$/],
    ['same-minor', 'v1.31.4', 'v1.34.0', /^Kubernetes can be upgraded one minor version at a time only\./],
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

/** What magnum-api shows as the error's title: the text up to the first full stop. */
const title = (message: string) => message.split('.', 1)[0];

function refusal(current: string, target: string): NotSupported {
  try {
    checkUpgrade(current, target);
  } catch (e) {
    if (e instanceof NotSupported) return e;
    throw e;
  }
  throw new Error(`${current} → ${target} was allowed`);
}

describe('checkUpgrade', () => {
  it.each([
    ['v1.31.4', 'v1.30.9', 'Kubernetes cannot be downgraded'],
    ['v1.31.4', 'v1.31.2', 'Kubernetes cannot be downgraded'],
    ['v1.29.0', 'v1.31.4', 'Kubernetes can be upgraded one minor version at a time only'],
    ['v1.31.4', 'v2.0.0', 'Kubernetes can be upgraded one minor version at a time only'],
  ])('%s → %s is refused, and the title Magnum shows reads "%s"', (current, target, expected) => {
    const e = refusal(current, target);
    expect(title(e.message)).toBe(expected);
    // The versions follow the reason, whole.
    expect(e.message).toContain(`The cluster runs ${current}, the new template's image has ${target}`);
    expect(e.field).toBe('cluster_template.image_id');
  });

  it.each([
    ['v1.30.2', 'v1.31.4'],
    ['v1.31.4', 'v1.31.4'],
    ['v1.31.4', 'v1.31.5'],
    [null, 'v1.31.4'],
    ['v1.31.4', 'latest'],
  ])('%s → %s is allowed', (current, target) => {
    expect(() => checkUpgrade(current, target)).not.toThrow();
  });
});
