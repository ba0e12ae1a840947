/** The translation is pure: it never edits its inputs and gives the same document every time. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { Spec } from '../../../src/magnum/spec.js';
import { planRelease, toChartValues } from '../../../src/values/index.js';
import { SPECS_DIR, fixture } from './helpers.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const names = readdirSync(SPECS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));

describe('purity', () => {
  it.each(names)('%s: frozen inputs, same output twice', (name) => {
    const spec = deepFreeze(Spec.parse(fixture(name)));
    const site = deepFreeze(parseConfig({ labelDefaults: { monitoring_enabled: 'false' } }));
    const first = toChartValues(spec, site);
    expect(toChartValues(spec, site)).toEqual(first);
  });

  it('a plan can be edited without touching the layers it came from', () => {
    const layers = deepFreeze({ base: [{ addons: { openstack: { enabled: true } }, extra: ['a'] }], overlays: [] });
    const plan = planRelease(Spec.parse(fixture('default')), parseConfig({}), layers);
    (plan.values.extra as string[]).push('b');
    ((plan.values.addons as { openstack: { enabled: boolean } }).openstack).enabled = false;
    expect(layers.base[0]).toEqual({ addons: { openstack: { enabled: true } }, extra: ['a'] });
  });
});
