/**
 * The one error handler: every failure leaves as `{ error: { code, message, field? } }`.
 * 5xx internals are logged, never sent; validation errors name the field.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isSidecarError, ReleaseBusy } from '../errors.js';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

interface ValidationEntry {
  instancePath: string;
  message?: string;
  keyword?: string;
  params?: { keys?: unknown };
}

/** `/spec/cluster/name` with part `body` → `body.spec.cluster.name`. */
function fieldOf(part: string | undefined, entry: ValidationEntry): string {
  const path = entry.instancePath.split('/').filter(Boolean);
  const keys = entry.params?.keys;
  if (entry.keyword === 'unrecognized_keys' && Array.isArray(keys) && keys.length > 0) {
    path.push(String(keys[0]));
  }
  return [part ?? 'body', ...path].join('.');
}

function describeValidation(part: string | undefined, entries: ValidationEntry[]): ErrorBody {
  const first = entries[0]!;
  const field = fieldOf(part, first);
  const reasons = entries.slice(0, 5).map((e) => `${fieldOf(part, e)}: ${e.message ?? 'invalid'}`);
  const more = entries.length > 5 ? ` (and ${entries.length - 5} more)` : '';
  return { error: { code: 'invalid_input', message: reasons.join('; ') + more, field } };
}

/** Fastify's own 4xx codes, worded for a caller who reads only the message. */
const FASTIFY_4XX: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', message: 'request body is larger than the configured limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'send the body as application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_input', message: 'body: a JSON document is required' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'body: not valid JSON' },
};

export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        return reply.code(400).send(describeValidation(err.validationContext, err.validation as ValidationEntry[]));
      }
      if (isSidecarError(err)) {
        if (err.statusCode >= 500) request.log.error({ err }, 'request failed');
        const body: ErrorBody = { error: { code: err.code, message: err.message } };
        if (err.field !== undefined) body.error.field = err.field;
        if (err instanceof ReleaseBusy) reply.header('retry-after', String(err.retryAfterSeconds));
        return reply.code(err.statusCode).send(body);
      }
      const known = err.code ? FASTIFY_4XX[err.code] : undefined;
      if (known) {
        return reply.code(err.statusCode ?? 400).send({ error: { ...known, field: 'body' } });
      }
      if (err instanceof SyntaxError || (err.statusCode !== undefined && err.statusCode < 500)) {
        const status = err.statusCode ?? 400;
        return reply.code(status).send({ error: { code: 'invalid_input', message: err.message, field: 'body' } });
      }
      request.log.error({ err }, 'unexpected error');
      return reply.code(500).send({ error: { code: 'internal', message: 'internal error; see the sidecar log' } });
    });
    app.setNotFoundHandler((request, reply) => {
      reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
    });
  },
  { name: 'errors' },
);
