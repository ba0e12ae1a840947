/**
 * The JSON body parser. Fastify's own refuses `__proto__` and
 * `constructor.prototype` keys (prototype poisoning) as "not valid JSON",
 * which is untrue and names no field; this one refuses them as well, saying
 * where and why. Empty and malformed bodies keep Fastify's error codes.
 */
import { errorCodes, type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { InvalidInput } from '../errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The dotted path of the first key that could poison a prototype, or undefined. Iterative: bodies may nest deeply. */
export function poisonedKey(doc: Json): string | undefined {
  const stack: [Json, string][] = [[doc, 'body']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}.${i}`]));
      continue;
    }
    for (const [key, v] of Object.entries(value)) {
      if (key === '__proto__') return `${path}.__proto__`;
      if (key === 'constructor' && v !== null && typeof v === 'object' && !Array.isArray(v) && 'prototype' in v) return `${path}.constructor.prototype`;
      stack.push([v, `${path}.${key}`]);
    }
  }
  return undefined;
}

export function parseJsonBody(text: string): Json {
  if (text.trim() === '') throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  let doc: Json;
  try {
    // JSON.parse makes `__proto__` an own property, never the prototype: the walk below finds it.
    doc = JSON.parse(text) as Json;
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
  const key = poisonedKey(doc);
  if (key !== undefined) throw new InvalidInput(`${key}: a key that names an object prototype is refused`, key);
  return doc;
}

export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
  },
  { name: 'json-body' },
);
