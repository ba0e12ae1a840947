/**
 * The audit logger: its own pino instance, always at info whatever
 * `logLevel` says, every line marked `"audit":true` with an ISO time, to its
 * own file when `audit.file` is set (else beside the service log on stdout).
 * The service log's redaction applies here too, though the audit plugin
 * writes only named fields, never a body.
 */
import pino, { type Logger } from 'pino';
import { REDACT_PATHS } from '../logger.js';

export interface AuditLog {
  logger: Logger;
  /** Reopens the file after a rotation (SIGHUP); nothing to do on stdout. */
  reopen(): void;
}

export function auditOptions(): pino.LoggerOptions {
  return {
    level: 'info',
    base: { audit: true },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}

export function createAuditLog(file?: string): AuditLog {
  if (file === undefined) return { logger: pino(auditOptions()), reopen: () => undefined };
  // Synchronous: a line is on disk before the next call, and audited calls are few (each runs helm).
  const destination = pino.destination({ dest: file, append: true, mkdir: true, sync: true });
  return { logger: pino(auditOptions(), destination), reopen: () => destination.reopen() };
}
