/**
 * helm's own release record: the Secret `sh.helm.release.v1.<name>.v<N>`
 * (helm 3 and 4, secret storage driver), whose `release` key holds the
 * release as gzipped JSON in base64. Marking a pending revision failed here
 * is how a stuck release is unlocked without running helm: the next
 * `helm upgrade` then treats it as a failed revision to upgrade over.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { managementError, statusCodeOf } from '../kube/errors.js';
import type { ReleaseRef } from './types.js';

/** How the description of a revision this sidecar unlocked begins: that failure is ours, not the operation's. */
export const UNLOCKED_DESCRIPTION = 'Release unlocked from stale';

export const recordSecretName = (release: string, revision: number) => `sh.helm.release.v1.${release}.v${revision}`;

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** The release JSON helm stored (the Secret's data value, base64 once more than helm wrote it). */
export function decodeRecord(secretData: string): Record<string, unknown> {
  const inner = Buffer.from(Buffer.from(secretData, 'base64').toString('utf8'), 'base64');
  const json = GZIP_MAGIC.every((b, i) => inner[i] === b) ? gunzipSync(inner) : inner;
  return JSON.parse(json.toString('utf8')) as Record<string, unknown>;
}

export function encodeRecord(release: Record<string, unknown>): string {
  const helmBytes = gzipSync(Buffer.from(JSON.stringify(release), 'utf8')).toString('base64');
  return Buffer.from(helmBytes, 'utf8').toString('base64');
}

/** The record with its status set to failed, as helm would write a failed revision. */
export function markedFailed(release: Record<string, unknown>, description: string): Record<string, unknown> {
  const info = (release.info ?? {}) as Record<string, unknown>;
  return { ...release, info: { ...info, status: 'failed', description } };
}

export type UnlockResult = 'unlocked' | 'not-pending' | 'absent';

/**
 * Marks revision `revision` failed if it is still pending. The write carries
 * the Secret's resourceVersion, so a helm that moved the record on meanwhile
 * wins and nothing is overwritten.
 */
export async function unlockRevision(core: CoreV1Api, ref: ReleaseRef, revision: number, description: string, attempt = 0): Promise<UnlockResult> {
  const name = recordSecretName(ref.release, revision);
  let secret: V1Secret;
  try {
    secret = await core.readNamespacedSecret({ name, namespace: ref.namespace });
  } catch (err) {
    if (statusCodeOf(err) === 404) return 'absent';
    throw managementError(err, `read helm record ${ref.namespace}/${name}`);
  }
  const data = secret.data?.release;
  if (!data) return 'absent';
  const record = decodeRecord(data);
  const status = (record.info as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'string' || !status.startsWith('pending-')) return 'not-pending';
  const body: V1Secret = {
    ...secret,
    metadata: { ...secret.metadata, labels: { ...secret.metadata?.labels, status: 'failed', modifiedAt: String(Math.floor(Date.now() / 1000)) } },
    data: { ...secret.data, release: encodeRecord(markedFailed(record, description)) },
  };
  try {
    await core.replaceNamespacedSecret({ name, namespace: ref.namespace, body });
  } catch (err) {
    // Changed since we read it: read again and decide on what is there now.
    if (statusCodeOf(err) === 409 && attempt < 3) return unlockRevision(core, ref, revision, description, attempt + 1);
    throw managementError(err, `unlock helm record ${ref.namespace}/${name}`);
  }
  return 'unlocked';
}
