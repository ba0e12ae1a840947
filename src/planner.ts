/**
 * The Planner port over the values translation: the value layers are read
 * once, then every plan is pure. Also the helm argv of a plan, for dry runs.
 */
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import type { Planner, ReleasePlan } from './driver/ports.js';
import { upgradeInstallArgs } from './helm/args.js';
import { loadValueLayers, planRelease } from './values/index.js';
import { checkLabelDefaults } from './values/site-check.js';

/** The project root, from this module's location (src/ under tsx, dist/ when built). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function createPlanner(config: Config, root = PROJECT_ROOT): Promise<Planner> {
  checkLabelDefaults(config);
  const layers = await loadValueLayers(config, root);
  return {
    plan: (spec) => planRelease(spec, config, layers),
    helmArgs: (plan: ReleasePlan) => {
      const args = upgradeInstallArgs(plan, plan.chart, config.helm.timeoutSeconds, undefined, undefined, config.chart);
      return [config.helm.binary, ...args, ...(config.kubeconfig ? ['--kubeconfig', config.kubeconfig] : [])];
    },
  };
}
