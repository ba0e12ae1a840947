/**
 * The listener and the process lifecycle: HTTPS when configured, graceful
 * shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests,
 * close the engine, exit 0), token reload (and audit file reopen) on SIGHUP.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { Driver, ReadinessCheck } from './driver/types.js';
import { loggerOptions } from './logger.js';
import { createAuditLog } from './plugins/audit-log.js';
import { TokenStore, readTokensFile } from './plugins/tokens.js';
import type { Registry } from 'prom-client';

export interface Engine {
  driver: Driver;
  checks: ReadinessCheck[];
  registry?: Registry;
  /** Stops watches, queues and anything else the engine started. */
  close(): Promise<void>;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  shutdown(signal?: string): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino(loggerOptions(config.logLevel));
}

export async function startServer(
  config: Config & { tokensFile: string },
  engine: Engine,
  logger: Logger = createLogger(config),
): Promise<RunningServer> {
  const tokens = TokenStore.fromFile(config.tokensFile);
  const https = config.tls
    ? {
        cert: readFileSync(config.tls.cert),
        key: readFileSync(config.tls.key),
        // The handshake itself refuses a connection without a certificate signed by this CA.
        ...(config.tls.clientCA ? { ca: readFileSync(config.tls.clientCA), requestCert: true, rejectUnauthorized: true } : {}),
      }
    : undefined;
  const audit = config.audit.enabled ? createAuditLog(config.audit.file) : undefined;
  const app = await buildApp({
    config,
    driver: engine.driver,
    checks: engine.checks,
    tokens,
    logger,
    ...(audit ? { audit: audit.logger } : {}),
    ...(engine.registry ? { registry: engine.registry } : {}),
    server: https ? { https } : {},
  });
  app.addHook('onClose', async () => engine.close());
  let stopping = false;
  // A keep-alive connection would hold the close open until its idle timeout:
  // answers sent while stopping ask the client to hang up.
  app.addHook('onSend', async (_request, reply) => {
    if (stopping) reply.header('connection', 'close');
  });
  await app.listen({ host: config.listen.host, port: config.listen.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `${https ? 'https' : 'http'}://${host}:${port}`;
  logger.info({ url, tokenCount: tokens.size, clientCertificates: Boolean(config.tls?.clientCA), audit: audit ? (config.audit.file ?? 'stdout') : false }, 'magnum-capi-sidecar listening');

  let closing: Promise<void> | undefined;
  const shutdown = (signal = 'shutdown'): Promise<void> => {
    closing ??= (async () => {
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      await app.close();
      logger.info('stopped');
    })();
    return closing;
  };
  const reload = () => {
    // logrotate moved the file: write to a new one at the same path.
    audit?.reopen();
    try {
      tokens.replace(readTokensFile(config.tokensFile));
      logger.info({ tokenCount: tokens.size }, 'tokens reloaded');
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'tokens not reloaded; keeping the old set');
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM').then(() => process.exit(0)));
  process.once('SIGINT', () => void shutdown('SIGINT').then(() => process.exit(0)));
  process.on('SIGHUP', reload);
  return { app, url, shutdown };
}
