import { describe, expect, it } from 'vitest';
import { auth, testApp } from '../../support/app.js';
import { CLUSTER_UUID, minimalSpec } from '../../support/spec.js';
import { recordingDriver } from '../../support/fake-driver.js';
import { ManagementClusterUnavailable } from '../../../src/errors.js';

const SECRETS = ['S3CRET-CLOUDS-VALUE', 'BEGIN-PRIVATE-KEY-MATERIAL', 'CA-CERT-PEM-MATERIAL'];

function specWithSecrets() {
  const pair = { cert: 'CA-CERT-PEM-MATERIAL', key: 'BEGIN-PRIVATE-KEY-MATERIAL' };
  return minimalSpec({ certificates: { ca: pair, etcd: pair, proxy: pair, sa: pair } });
}

describe('secrets never reach a log line', () => {
  it('redacts clouds_yaml, keys and the bearer token from logged requests at trace level', async () => {
    const { app, logs } = await testApp({ logLevel: 'trace' });
    await app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: specWithSecrets() });
    await app.inject({
      method: 'POST',
      url: `/v1/clusters/${CLUSTER_UUID}/actions/resize`,
      headers: auth,
      payload: { spec: specWithSecrets(), node_count: 1, nodegroup: 'default-worker' },
    });
    await app.close();
    const text = logs.join('');
    // The body was logged (so the test would see a leak) ...
    expect(text).toContain('"request body"');
    expect(text).toContain(CLUSTER_UUID);
    // ... with every secret replaced.
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain(auth.authorization.slice('Bearer '.length));
    expect(text).toContain('[redacted]');
  });

  it('keeps secrets out of logged 5xx errors and their responses', async () => {
    const driver = recordingDriver();
    driver.createCluster = async () => {
      throw new ManagementClusterUnavailable('management API refused the connection');
    };
    const { app, logs } = await testApp({ driver, logLevel: 'trace' });
    const res = await app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: specWithSecrets() });
    await app.close();
    expect(res.statusCode).toBe(503);
    for (const secret of SECRETS) {
      expect(res.body).not.toContain(secret);
      expect(logs.join('')).not.toContain(secret);
    }
  });
});
