/**
 * `helm get manifest`: what a revision of the release applied, as helm
 * recorded it. Rendered text, like a dry run's, so the two compare object for
 * object without the fields the API server and controllers add.
 */
import { checkRef } from './args.js';
import type { ReleaseRef, ReleaseRevision } from './types.js';

export function getManifestArgs(ref: ReleaseRef, revision?: number): string[] {
  checkRef(ref);
  return ['get', 'manifest', ref.release, '--namespace', ref.namespace, ...(revision === undefined ? [] : ['--revision', String(revision)])];
}

/**
 * The revision an upgrade is applied over, as helm's own upgrade picks it:
 * the latest when it is deployed, else the last deployed one (a failed
 * upgrade's objects may never have been applied), else the latest. Null for
 * no history. Pure.
 */
export function baseRevision(history: readonly ReleaseRevision[]): number | null {
  const newestFirst = [...history].sort((a, b) => b.revision - a.revision);
  const latest = newestFirst[0];
  if (!latest) return null;
  return (newestFirst.find((r) => r.status === 'deployed') ?? latest).revision;
}
