/** helm's release record, encoded as helm 3 and 4 store it in `sh.helm.release.v1.*` secrets. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, markedFailed, recordSecretName } from '../../../src/helm/record.js';

const release = { name: 'demo-abcdefghijkl', version: 3, namespace: 'magnum-p', info: { status: 'pending-upgrade', description: 'Upgrade started', first_deployed: '2026-12-01T00:00:00Z' }, config: { a: 1 } };
/** What helm writes into the Secret's data, seen through the API (base64 of helm's own base64 of gzip). */
const asHelmWrites = (json: string, gzip: boolean) =>
  Buffer.from((gzip ? gzipSync(Buffer.from(json)) : Buffer.from(json)).toString('base64')).toString('base64');

describe('helm release records', () => {
  it('decodes what helm writes, gzipped or plain', () => {
    expect(decodeRecord(asHelmWrites(JSON.stringify(release), true))).toEqual(release);
    expect(decodeRecord(asHelmWrites(JSON.stringify(release), false))).toEqual(release);
  });

  it('encodes what it decodes', () => {
    expect(decodeRecord(encodeRecord(release))).toEqual(release);
  });

  it('marking failed changes the status and description only', () => {
    const failed = markedFailed(release, 'Release unlocked from stale pending-upgrade state');
    expect(failed).toEqual({ ...release, info: { ...release.info, status: 'failed', description: 'Release unlocked from stale pending-upgrade state' } });
    expect(release.info.status).toBe('pending-upgrade');
  });

  it('names the revision secret as helm does', () => {
    expect(recordSecretName('demo-abcdefghijkl', 12)).toBe('sh.helm.release.v1.demo-abcdefghijkl.v12');
  });
});
