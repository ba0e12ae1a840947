/**
 * The application: external plugins, then our plugins, then routes. Tests
 * build this same app and call it with `inject`; `server.ts` adds the
 * listener and the process lifecycle.
 */
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ServerOptions as HttpsOptions } from 'node:https';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import type { Driver, ReadinessCheck } from './driver/types.js';
import { auditPlugin } from './plugins/audit.js';
import { authPlugin } from './plugins/auth.js';
import { errorsPlugin } from './plugins/errors.js';
import { jsonBodyPlugin } from './plugins/json-body.js';
import { createRegistry, metricsPlugin } from './plugins/metrics.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import type { TokenStore } from './plugins/tokens.js';
import { platformRoutes } from './routes/platform.js';
import { actionRoutes } from './routes/v1/actions.js';
import { clusterRoutes } from './routes/v1/clusters.js';
import { diffRoutes } from './routes/v1/diff.js';
import { nodeGroupRoutes } from './routes/v1/nodegroups.js';
import { statusRoutes } from './routes/v1/status.js';
import { valuesRoutes } from './routes/v1/values.js';

export interface AppDeps {
  config: Config;
  driver: Driver;
  tokens: TokenStore;
  checks?: ReadinessCheck[];
  logger: Logger;
  /** The audit trail's logger (see plugins/audit-log.ts); without one nothing is audited. */
  audit?: Logger;
  registry?: Registry;
  /** Extra Fastify options (HTTPS, client certificates, timeouts) from the server. */
  server?: Partial<FastifyServerOptions> & { https?: HttpsOptions };
}

export const API_VERSION = '0.1.0';

type OpenApiDocument = Parameters<NonNullable<FastifyDynamicSwaggerOptions['transformObject']>>[0];

/** Swagger UI hides its own routes; the document still names where it is served. */
function withDocsRoutes(doc: OpenApiDocument) {
  const openapi = 'openapiObject' in doc ? doc.openapiObject : doc.swaggerObject;
  const page = (summary: string, type: string) => ({ get: { summary, tags: ['platform'], responses: { 200: { description: type } } } });
  return {
    ...openapi,
    paths: {
      ...openapi.paths,
      '/docs': page('this document, browsable (Swagger UI)', 'HTML'),
      '/docs/json': page('this document as JSON', 'OpenAPI JSON'),
    },
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.limits.bodyLimitBytes,
    // Magnum sends a request id; we use it for our logs too, so the two can be joined.
    requestIdHeader: 'x-openstack-request-id',
    ...(deps.server ?? {}),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'magnum-capi-sidecar',
        description: 'The Magnum driver contract over HTTP: one endpoint per driver method.',
        version: API_VERSION,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: withDocsRoutes,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(jsonBodyPlugin);
  await app.register(errorsPlugin);
  await app.register(metricsPlugin, { registry: deps.registry ?? createRegistry() });
  await app.register(authPlugin, { tokens: deps.tokens });
  await app.register(rateLimitPlugin, deps.config.rateLimit);
  await app.register(auditPlugin, { audit: deps.audit });

  // Bodies of mutating calls only at debug, with secrets redacted by path (the audit trail is plugins/audit.ts).
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'GET' && request.routeOptions.url?.startsWith('/v1/')) {
      request.log.debug({ body: request.body }, 'request body');
    }
  });

  const driver = deps.driver;
  await app.register(platformRoutes, { checks: deps.checks ?? [] });
  await app.register(clusterRoutes, { driver });
  await app.register(actionRoutes, { driver });
  await app.register(nodeGroupRoutes, { driver });
  await app.register(statusRoutes, { driver });
  await app.register(valuesRoutes, { driver });
  await app.register(diffRoutes, { driver });
  return app;
}
