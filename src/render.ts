/** Dry-run rendering for the CLI: the same planner the service uses, changing nothing. */
import type { RenderResponse } from './api/schemas.js';
import type { Config } from './config.js';
import { renderResponse } from './driver/operations.js';
import { releaseNameFor } from './driver/release-name.js';
import type { Spec } from './magnum/spec.js';
import { createPlanner } from './planner.js';

export async function renderSpec(spec: Spec, config: Config): Promise<RenderResponse> {
  const planner = await createPlanner(config);
  const named: Spec = { ...spec, cluster: { ...spec.cluster, stack_id: releaseNameFor(spec.cluster) } };
  const plan = planner.plan(named);
  return renderResponse(plan, planner.helmArgs(plan));
}
