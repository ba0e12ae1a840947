/**
 * The release name of a new cluster. magnum-capi-helm draws the 12-character
 * suffix at random; we derive it from the cluster's uuid instead, so a create
 * retried after a lost answer (sidecar restart, RPC timeout) lands on the same
 * release instead of orphaning a second one. Same alphabet, same length.
 */
import { createHash } from 'node:crypto';
import { newReleaseName } from '../magnum/names.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function suffixForUuid(uuid: string): string {
  const digest = createHash('sha256').update(uuid.toLowerCase()).digest();
  let out = '';
  for (let i = 0; i < 12; i++) out += BASE32[digest[i]! & 31];
  return out;
}

export function releaseNameFor(cluster: { uuid: string; name: string | null; stack_id: string | null }): string {
  return cluster.stack_id ?? newReleaseName(cluster.name, suffixForUuid(cluster.uuid));
}
