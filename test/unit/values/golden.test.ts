/**
 * Golden files: the full values document (base layers included) for each
 * example spec, compared with a reviewed file under test/golden/. After an
 * intended change, review the diff and update with `vitest -u`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { Spec } from '../../../src/magnum/spec.js';
import { loadValueLayers, planRelease } from '../../../src/values/index.js';
import { SPECS_DIR, fixture } from './helpers.js';

const ROOT = join(import.meta.dirname, '../../..');
const names = readdirSync(SPECS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();

describe('golden values', () => {
  it('has an example spec per label family', () => {
    expect(names).toEqual(expect.arrayContaining(['default', 'addons', 'networking', 'storage', 'autoscaling', 'old-chart']));
  });

  it.each(names)('%s', async (name) => {
    const site = parseConfig({});
    const plan = planRelease(Spec.parse(fixture(name)), site, await loadValueLayers(site, ROOT));
    const text = `# Generated from test/fixtures/specs/${name}.json; reviewed by hand.\n${dump({ release: plan.release, namespace: plan.namespace, chart: plan.chart, values: plan.values }, { lineWidth: 120, noRefs: true })}`;
    await expect(text).toMatchFileSnapshot(join(ROOT, 'test/golden', `${name}.yaml`));
  });
});
