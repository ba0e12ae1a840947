import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { poisonedKey } from '../../../src/plugins/json-body.js';
import { auth, testApp } from '../../support/app.js';

describe('JSON bodies', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await testApp());
  });
  afterAll(() => app.close());

  const post = (payload: string) =>
    app.inject({ method: 'POST', url: '/v1/clusters', headers: { ...auth, 'content-type': 'application/json' }, payload });

  it.each([
    ['__proto__ in a nested object', '{"cluster":{"name":{"__proto__":false}}}', 'body.cluster.name.__proto__'],
    ['__proto__ at the top', '{"__proto__":{"x":1}}', 'body.__proto__'],
    ['__proto__ inside a list', '{"nodegroups":[{},{"labels":{"__proto__":"x"}}]}', 'body.nodegroups.1.labels.__proto__'],
    ['constructor.prototype', '{"cluster":{"labels":{"constructor":{"prototype":{}}}}}', 'body.cluster.labels.constructor.prototype'],
  ])('refuses %s, naming where (400)', async (_name, payload, field) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'invalid_input', field, message: `${field}: a key that names an object prototype is refused` });
  });

  it.each([
    ['an empty body', '', 'invalid_input', 'body: a JSON document is required'],
    ['malformed JSON', '{bad', 'invalid_json', 'body: not valid JSON'],
  ])('keeps the answer for %s', async (_name, payload, code, message) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code, message, field: 'body' });
  });

  it('a label merely called "constructor" is data, not poison', () => {
    expect(poisonedKey({ labels: { constructor: 'x', prototype: 'y' } })).toBeUndefined();
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    let doc: unknown = { __proto__x: 1 };
    for (let i = 0; i < 200_000; i++) doc = [doc];
    expect(poisonedKey(doc as never)).toBeUndefined();
  });
});
