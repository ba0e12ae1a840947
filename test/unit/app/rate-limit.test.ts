import { describe, expect, it } from 'vitest';
import { TokenStore, parseTokens } from '../../../src/plugins/tokens.js';
import { adminAuth, auth, readerAuth, testApp, TOKENS_FILE } from '../../support/app.js';
import { CLUSTER_UUID, minimalSpec } from '../../support/spec.js';

const OTHER_READER = 'other-reader-0123456789abcdef';

describe('per-caller rate limits', () => {
  it('limit each reader and admin caller on its own, never the driver', async () => {
    const tokens = new TokenStore(parseTokens(`${TOKENS_FILE}${OTHER_READER} reader script\n`, 'tokens'));
    const { app } = await testApp({ tokens, config: { rateLimit: { max: 3, windowSeconds: 60 } } });
    const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/v1/clusters', headers });
    const reader = [];
    for (let i = 0; i < 4; i++) reader.push((await get(readerAuth)).statusCode);
    const refused = await get(readerAuth);
    // Another caller of the same role has its own budget.
    const other = (await get({ authorization: `Bearer ${OTHER_READER}` })).statusCode;
    const admin = [];
    for (let i = 0; i < 4; i++) admin.push((await get(adminAuth)).statusCode);
    // Magnum's polls go on however busy the others are.
    const driver = [];
    for (let i = 0; i < 10; i++) {
      driver.push((await app.inject({ method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/status`, headers: auth, payload: minimalSpec() })).statusCode);
    }
    await app.close();

    expect(reader).toEqual([200, 200, 200, 429]);
    expect(refused.json().error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/^caller dashboard made more than 3 requests in 60 s; retry in \d+ (second|minute)s?/) });
    expect(refused.headers['retry-after']).toBeDefined();
    expect(other).toBe(200);
    expect(admin).toEqual([200, 200, 200, 429]);
    expect(driver).toEqual(Array(10).fill(200));
  });

  it('refuses before reading the body: a limited caller costs no parsing', async () => {
    const { app } = await testApp({ config: { rateLimit: { max: 1, windowSeconds: 60 } } });
    await app.inject({ method: 'POST', url: '/v1/values', headers: readerAuth, payload: minimalSpec() });
    const res = await app.inject({ method: 'POST', url: '/v1/values', headers: { ...readerAuth, 'content-type': 'application/json' }, payload: '{not json' });
    await app.close();
    expect(res.statusCode).toBe(429);
  });
});
