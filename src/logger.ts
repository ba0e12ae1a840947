/**
 * Logger options shared by the server and the CLI. Redaction is by path, so a
 * credential never reaches a log line even when a whole body or error object
 * is logged at debug level.
 */
import type { LoggerOptions } from 'pino';

/** Every path where a secret can sit in what we log. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'headers.authorization',
  'authorization',
  'token',
  'tokens',
  'password',
  'kubeconfig',
  'clouds_yaml',
  'credentials',
  'certificates',
  'body.credentials',
  'body.certificates',
  'body.spec.credentials',
  'body.spec.certificates',
  'spec.credentials',
  'spec.certificates',
  '*.clouds_yaml',
  '*.cacert',
  '*.key',
  '*.token',
  '*.password',
  '*.kubeconfig',
  '*.credentials',
  '*.certificates',
  // Registry credentials (registryAuth) inside chart values, wherever a plan or its values are logged.
  'registryAuth',
  'values.registryAuth',
  '*.registryAuth',
  '*.values.registryAuth',
  '*.*.values.registryAuth',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}
