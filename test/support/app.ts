/** Builds the real app for `inject` tests, with a captured log stream. */
import pino from 'pino';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { parseConfig, type ConfigInput } from '../../src/config.js';
import type { Driver } from '../../src/driver/types.js';
import { loggerOptions } from '../../src/logger.js';
import { auditOptions } from '../../src/plugins/audit-log.js';
import { createRegistry } from '../../src/plugins/metrics.js';
import { TokenStore, parseTokens } from '../../src/plugins/tokens.js';
import { recordingDriver } from './fake-driver.js';

/** A bare token, so `driver`: what the shim holds. */
export const TOKEN = 'test-token-0123456789abcdef';
export const READER_TOKEN = 'reader-token-0123456789abcdef';
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/** The tokens file every test app reads: one token of each role, the driver's bare as in old files. */
export const TOKENS_FILE = `# test tokens\n${TOKEN}\n${READER_TOKEN} reader dashboard\n${ADMIN_TOKEN} admin ops\n`;

export function testTokens(): TokenStore {
  return new TokenStore(parseTokens(TOKENS_FILE, 'test tokens'));
}

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

/** A pino logger at the audit trail's own options, writing to an array. */
export function captureAudit() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino(auditOptions(), stream), lines };
}

export async function testApp(opts: { driver?: Driver; config?: ConfigInput; logLevel?: string; tokens?: TokenStore } = {}) {
  const driver = opts.driver ?? recordingDriver();
  const { logger, lines } = captureLogs(opts.logLevel ?? 'trace');
  const audit = captureAudit();
  const app = await buildApp({
    config: parseConfig(opts.config ?? {}),
    driver,
    tokens: opts.tokens ?? testTokens(),
    logger,
    audit: audit.logger,
    registry: createRegistry(false),
  });
  await app.ready();
  return { app, driver, logs: lines, audit: audit.lines };
}

export const auth = { authorization: `Bearer ${TOKEN}` };
export const readerAuth = { authorization: `Bearer ${READER_TOKEN}` };
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };
