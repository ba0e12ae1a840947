/** Dry-run rendering shared by the CLI and `POST /v1/values`. */
import type { RenderResponse } from './api/schemas.js';
import type { Config } from './config.js';
import { NotImplemented } from './errors.js';
import type { Spec } from './magnum/spec.js';

export async function renderSpec(_spec: Spec, _config: Config): Promise<RenderResponse> {
  throw new NotImplemented('values rendering is not built yet');
}
