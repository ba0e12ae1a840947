/**
 * Management-API failures, classified once: unreachable or 5xx/429 is
 * transient (503, retry later), any other refusal is a 502 naming the status.
 * Only the API's own `Status.message` is kept: never the raw response body,
 * which for a secret could echo what we sent.
 */
import { ApiException } from '@kubernetes/client-node';
import { ManagementClusterRejected, ManagementClusterUnavailable, type SidecarError } from '../errors.js';

export function statusCodeOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404;
}

function apiMessage(err: ApiException<unknown>): string {
  const body = err.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.slice(0, 500) : `HTTP ${err.code}`;
}

/** `what` says which operation failed, e.g. "apply secret magnum-p/demo-abc-ca". */
export function managementError(err: unknown, what: string): SidecarError {
  if (err instanceof ApiException) {
    const message = `management cluster: ${what}: ${apiMessage(err)}`;
    return err.code >= 500 || err.code === 429
      ? new ManagementClusterUnavailable(message, undefined, { cause: err.code })
      : new ManagementClusterRejected(message, undefined, { cause: err.code });
  }
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  const code = e.cause?.code ?? e.code ?? 'error';
  return new ManagementClusterUnavailable(`management cluster unreachable: ${what}: ${code}`);
}

/** A short, secret-free description of a management-API failure, for logs. */
export function describeError(err: unknown): string {
  if (err instanceof ApiException) return `HTTP ${err.code}: ${apiMessage(err)}`;
  const e = err as { code?: string; cause?: { code?: string }; message?: string } | undefined;
  return String(e?.cause?.code ?? e?.code ?? e?.message ?? err).slice(0, 200);
}
