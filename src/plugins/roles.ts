/**
 * Who may call what: the one table of `/v1` routes. Each route names the
 * Magnum operation it serves, the roles allowed besides `admin`, and whether
 * a call is written to the audit trail. The auth plugin refuses to register a
 * route missing from this table, so a new route cannot be left open by
 * omission.
 */

export const ROLES = ['driver', 'reader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export interface RoutePolicy {
  /** The Magnum driver method (or operator action) the route serves; the audit trail names it. */
  operation: string;
  /** Roles allowed besides `admin`, which may call every route. */
  allow: readonly Exclude<Role, 'admin'>[];
  /** Mutating calls and kubeconfig reads get an audit line; other reads are only counted. */
  audit: boolean;
}

/** Keyed `METHOD pattern`, with Fastify's `:param` pattern (HEAD follows its GET). */
export const ROUTE_POLICY: Readonly<Record<string, RoutePolicy>> = {
  // What the shim calls, and so the `driver` role's whole reach.
  'POST /v1/clusters': { operation: 'create_cluster', allow: ['driver'], audit: true },
  'PUT /v1/clusters/:uuid': { operation: 'update_cluster', allow: ['driver'], audit: true },
  'DELETE /v1/clusters/:uuid': { operation: 'delete_cluster', allow: ['driver'], audit: true },
  'POST /v1/clusters/:uuid/actions/resize': { operation: 'resize_cluster', allow: ['driver'], audit: true },
  'POST /v1/clusters/:uuid/actions/upgrade': { operation: 'upgrade_cluster', allow: ['driver'], audit: true },
  'POST /v1/clusters/:uuid/actions/rotate-credential': { operation: 'rotate_credential', allow: ['driver'], audit: true },
  'POST /v1/clusters/:uuid/nodegroups': { operation: 'create_nodegroup', allow: ['driver'], audit: true },
  'PUT /v1/clusters/:uuid/nodegroups/:name': { operation: 'update_nodegroup', allow: ['driver'], audit: true },
  'DELETE /v1/clusters/:uuid/nodegroups/:name': { operation: 'delete_nodegroup', allow: ['driver'], audit: true },
  'POST /v1/clusters/:uuid/status': { operation: 'update_cluster_status', allow: ['driver', 'reader'], audit: false },
  'GET /v1/clusters/:uuid/health': { operation: 'poll_health_status', allow: ['driver', 'reader'], audit: false },
  // The shim's create asks for the release name with a dry run before anything else.
  'POST /v1/values': { operation: 'render_values', allow: ['driver', 'reader'], audit: false },
  // A preview runs helm (a server-side dry run) against the management cluster with the
  // sidecar's credentials, from the same helm.concurrency pool as Magnum's operations, and its
  // body is a whole spec as the shim builds it: the shim's role and operators' admin tokens,
  // not reader tokens, which only read the watch cache. It writes nothing, so it is not audited.
  'POST /v1/clusters/:uuid/diff': { operation: 'diff_cluster', allow: ['driver'], audit: false },
  // Operators' reads.
  'GET /v1/clusters': { operation: 'list_clusters', allow: ['reader'], audit: false },
  'GET /v1/clusters/:uuid': { operation: 'get_cluster', allow: ['reader'], audit: false },
  // Cluster-admin of a tenant's Kubernetes: admin only, and every read audited.
  'GET /v1/clusters/:uuid/kubeconfig': { operation: 'get_kubeconfig', allow: [], audit: true },
};

export function policyFor(method: string, route: string): RoutePolicy | undefined {
  return ROUTE_POLICY[`${method === 'HEAD' ? 'GET' : method} ${route}`];
}

export function permits(policy: RoutePolicy, role: Role): boolean {
  return role === 'admin' || (policy.allow as readonly Role[]).includes(role);
}

/** "the driver or admin role", for a 403 that says what would have been allowed. */
export function rolesNeeded(policy: RoutePolicy): string {
  const roles = [...policy.allow, 'admin'];
  return `the ${roles.length > 1 ? `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}` : roles[0]} role`;
}
