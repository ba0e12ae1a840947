/** Builds the real app for `inject` tests, with a captured log stream. */
import pino from 'pino';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { parseConfig, type ConfigInput } from '../../src/config.js';
import type { Driver } from '../../src/driver/types.js';
import { loggerOptions } from '../../src/logger.js';
import { createRegistry } from '../../src/plugins/metrics.js';
import { TokenStore } from '../../src/plugins/tokens.js';
import { recordingDriver } from './fake-driver.js';

export const TOKEN = 'test-token-0123456789abcdef';

export function captureLogs(level = 'trace') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino(loggerOptions(level), stream), lines };
}

export async function testApp(opts: { driver?: Driver; config?: ConfigInput; logLevel?: string } = {}) {
  const driver = opts.driver ?? recordingDriver();
  const { logger, lines } = captureLogs(opts.logLevel ?? 'trace');
  const app = await buildApp({
    config: parseConfig(opts.config ?? {}),
    driver,
    tokens: new TokenStore([TOKEN]),
    logger,
    registry: createRegistry(false),
  });
  await app.ready();
  return { app, driver, logs: lines };
}

export const auth = { authorization: `Bearer ${TOKEN}` };
