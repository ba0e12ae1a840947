/**
 * `helm get manifest`: what the release's latest revision applied, as helm
 * recorded it. Rendered text, like a dry run's, so the two compare object for
 * object without the fields the API server and controllers add.
 */
import { checkRef } from './args.js';
import type { ReleaseRef } from './types.js';

export function getManifestArgs(ref: ReleaseRef): string[] {
  checkRef(ref);
  return ['get', 'manifest', ref.release, '--namespace', ref.namespace];
}
