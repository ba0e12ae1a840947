import { describe, expect, it } from 'vitest';
import { checkUpgrade } from '../../../src/driver/upgrade-rules.js';
import { NotSupported } from '../../../src/errors.js';

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
