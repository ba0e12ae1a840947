/** Pieces every v1 route module shares: error responses for the OpenAPI document, and input checks. */
import { InvalidInput } from '../../errors.js';
import type { Spec } from '../../magnum/spec.js';
import { ErrorResponse } from '../../api/schemas.js';

export const security = [{ bearer: [] }];

/** The errors any mutating route can answer, for the OpenAPI document. */
export const mutatingErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
  422: ErrorResponse,
  429: ErrorResponse,
  501: ErrorResponse,
  502: ErrorResponse,
  503: ErrorResponse,
} as const;

export const readErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
} as const;

/** The path names one cluster and the body describes it: they must agree. */
export function assertSameCluster(uuid: string, spec: Spec, field = 'body.cluster.uuid'): void {
  if (spec.cluster.uuid !== uuid) {
    throw new InvalidInput(`cluster uuid ${JSON.stringify(spec.cluster.uuid)} does not match the path's ${JSON.stringify(uuid)}`, field);
  }
}

/** A node group named in the path or arguments must be one the spec describes (by name or uuid). */
export function assertNodeGroup(spec: Spec, nodegroup: string, field: string): void {
  if (!spec.nodegroups.some((ng) => ng.name === nodegroup || ng.uuid === nodegroup)) {
    throw new InvalidInput(`node group ${JSON.stringify(nodegroup)} is not in the spec's nodegroups`, field);
  }
}
