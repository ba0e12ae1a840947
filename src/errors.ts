/**
 * The error catalogue. Every failure the API reports is one of these, each
 * with a stable `code`, an HTTP status and a message a Magnum user can act on.
 * The single error handler in `app.ts` renders them as
 * `{ error: { code, message, field? } }`.
 */
export abstract class SidecarError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;
  /** Dotted path of the offending input field, when one is to blame. */
  readonly field: string | undefined;

  constructor(message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.field = field;
  }
}

/** Malformed or structurally invalid input (wrong type, unknown key, missing field). */
export class InvalidInput extends SidecarError {
  readonly statusCode = 400;
  readonly code = 'invalid_input';
}

export class Unauthorized extends SidecarError {
  readonly statusCode = 401;
  readonly code = 'unauthorized';
}

/** Authenticated, but the caller's role does not reach this route. */
export class Forbidden extends SidecarError {
  readonly statusCode = 403;
  readonly code = 'forbidden';
}

/** A non-driver caller went over its request rate (the `rateLimit` settings). */
export class RateLimited extends SidecarError {
  readonly statusCode = 429;
  readonly code = 'rate_limited';
}

export class NotFound extends SidecarError {
  readonly statusCode = 404;
  readonly code = 'not_found';
}

/** The request is valid but the cluster's state does not allow it now. */
export class Conflict extends SidecarError {
  readonly statusCode = 409;
  readonly code = 'conflict';
}

/** A known label holds a value of the wrong type. */
export class InvalidLabel extends SidecarError {
  readonly statusCode = 422;
  readonly code = 'invalid_label';

  /** `field` when the label is not the cluster's (a node group's own label). */
  constructor(readonly label: string, expected: string, got: string, field = `labels.${label}`) {
    super(`label ${label}: expected ${expected}, got ${JSON.stringify(got)}`, field);
  }
}

/** A Magnum rule is broken (flavor too small, even master count, autoscaling bounds). */
export class MagnumRuleViolation extends SidecarError {
  readonly statusCode = 422;
  readonly code = 'magnum_rule';
}

/** Magnum's NotSupported: a valid request this driver refuses (downgrade, CA rotation). */
export class NotSupported extends SidecarError {
  readonly statusCode = 422;
  readonly code = 'not_supported';
}

export class NotImplemented extends SidecarError {
  readonly statusCode = 501;
  readonly code = 'not_implemented';
}

/** helm ran and failed; the message carries its redacted stderr. */
export class HelmFailed extends SidecarError {
  readonly statusCode = 502;
  readonly code = 'helm_failed';
}

/**
 * helm refused because another operation holds the release (a helm run from
 * outside this process: ours are serialised per release). Transient: the
 * same call can succeed once that operation ends, so 503, not 502.
 */
export class HelmReleaseLocked extends SidecarError {
  readonly statusCode = 503;
  readonly code = 'helm_release_locked';
}

/**
 * Another replica (or another call here) holds the release's lease and did
 * not let go within the configured wait. Transient: the same call succeeds
 * once that operation ends, so 503 with Retry-After, never 502.
 */
export class ReleaseBusy extends SidecarError {
  readonly statusCode = 503;
  readonly code = 'release_busy';

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** The helm binary is missing or cannot be executed. */
export class HelmUnavailable extends SidecarError {
  readonly statusCode = 503;
  readonly code = 'helm_unavailable';
}

/** The management cluster's API could not be reached or answered 5xx. */
export class ManagementClusterUnavailable extends SidecarError {
  readonly statusCode = 503;
  readonly code = 'management_cluster_unavailable';
}

/** The management cluster refused a request for a reason that retrying will not fix. */
export class ManagementClusterRejected extends SidecarError {
  readonly statusCode = 502;
  readonly code = 'management_cluster_rejected';
}

export function isSidecarError(err: unknown): err is SidecarError {
  return err instanceof SidecarError;
}
