/** A busy release through the routes: 503 release_busy with Retry-After, in the one error shape. */
import { describe, expect, it } from 'vitest';
import { ReleaseBusy } from '../../../src/errors.js';
import { recordingDriver } from '../../support/fake-driver.js';
import { auth, testApp } from '../../support/app.js';
import { minimalSpec } from '../../support/spec.js';

describe('release_busy', () => {
  it('is a 503 with Retry-After and the holder in the message, never a 502', async () => {
    const driver = recordingDriver();
    driver.updateCluster = async () => {
      throw new ReleaseBusy('release magnum-p/demo-abcdefghijkl is busy: another operation holds its lease (holder ctl2/4242); retry later', 4);
    };
    const { app } = await testApp({ driver });
    const spec = minimalSpec();
    const res = await app.inject({ method: 'PUT', url: `/v1/clusters/${spec.cluster.uuid}`, headers: auth, payload: { ...spec, cluster: { ...spec.cluster, stack_id: 'demo-abcdefghijkl' } } });
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers['retry-after']).toBe('4');
    expect(res.json()).toEqual({ error: { code: 'release_busy', message: expect.stringMatching(/holder ctl2\/4242/) } });
    await app.close();
  });
});
