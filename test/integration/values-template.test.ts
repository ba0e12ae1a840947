/**
 * Every example spec, translated by the real planner, renders with the real
 * helm (3 and 4) against the real openstack-cluster chart of the version the
 * plan asks for (`capi_helm_chart_version`, else the default), pulled from the
 * loopback repository; the objects carry the names the status code looks up.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createHelmClient } from '../../src/helm/client.js';
import { derivedName } from '../../src/magnum/names.js';
import { Spec } from '../../src/magnum/spec.js';
import { createPlanner } from '../../src/planner.js';
import { skipNotice } from '../support/chart-repo.js';
import { HELM_BINARIES } from './harness/kube.js';
import { realChart, ROOT } from './harness/service.js';
import { fixture, SPECS_DIR } from '../unit/values/helpers.js';

const names = readdirSync(SPECS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/integration/values-template.test.ts (example specs through helm template)'));

describe.skipIf(!REPO).each(HELM_BINARIES)('generated values through helm template (%s)', (_label, binary) => {
  const helm = createHelmClient({ binary: join(ROOT, binary), timeoutSeconds: 60 });

  it.each(names)('%s', async (name) => {
    const config = parseConfig({ chart: realChart(REPO) });
    const plan = (await createPlanner(config)).plan(Spec.parse(fixture(name)));
    const out = await helm.template(plan);
    expect(out).toContain(`helm.sh/chart: openstack-cluster-${plan.chart.version}\n`);
    expect(out).toContain(`name: ${plan.release}\n`);
    expect(out).toContain(`name: ${derivedName(plan.release, 'control-plane')}\n`);
    for (const group of plan.values.nodeGroups as { name: string }[]) {
      expect(out).toContain(`name: ${derivedName(plan.release, group.name)}\n`);
    }
  });
});
