/**
 * Request and response schemas of the HTTP contract (DESIGN.md section 2).
 * The spec document itself lives in `magnum/spec.ts`; these wrap it with the
 * arguments of each Magnum driver method.
 */
import { z } from 'zod';
import { SERVER_GROUP_POLICIES } from '../magnum/server-groups.js';
import { ClusterStatus, Spec } from '../magnum/spec.js';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('stable machine-readable code'),
      message: z.string().describe('what went wrong, for a human'),
      field: z.string().optional().describe('dotted path of the input field to blame'),
    }),
  })
  .describe('every failure has this shape');

export const ClusterParams = z.strictObject({ uuid: z.string().min(1).max(64) });
/** Magnum's worker node groups, so health names one whose MachineDeployment is missing (repeat the parameter per group). */
export const HealthQuery = z.strictObject({
  nodegroup: z.union([z.string().min(1).max(255), z.array(z.string().min(1).max(255)).max(1000)]).optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
});
export const NodeGroupParams = z.strictObject({
  uuid: z.string().min(1).max(64),
  name: z.string().min(1).max(255),
});

export const ResizeRequest = z.strictObject({
  spec: Spec,
  node_count: z.number().int().min(0).max(10_000),
  nodes_to_remove: z.array(z.string().max(255)).max(10_000).default([]),
  /** Name or uuid of the node group to resize; Magnum defaults it to the default worker group. */
  nodegroup: z.string().min(1).max(255),
});
export type ResizeRequest = z.infer<typeof ResizeRequest>;

export const UpgradeRequest = z.strictObject({
  /** Carries the new cluster template. */
  spec: Spec,
  max_batch_size: z.number().int().min(1).max(10_000).nullable().optional(),
  nodegroup: z.string().min(1).max(255).nullable().optional(),
});
export type UpgradeRequest = z.infer<typeof UpgradeRequest>;

export const NodeGroupCreateRequest = z.strictObject({
  spec: Spec,
  /** Name of the new group; Magnum has already added it to `spec.nodegroups`. */
  nodegroup: z.string().min(1).max(255),
});
export type NodeGroupCreateRequest = z.infer<typeof NodeGroupCreateRequest>;

/** What a mutating call leaves behind: the release helm now holds. */
export const Accepted = z.object({
  stack_id: z.string(),
  namespace: z.string(),
  revision: z.number().int().nullable(),
});
export type Accepted = z.infer<typeof Accepted>;

/**
 * rotate_credential's answer also names the credential the cluster used until
 * now, read under the cluster's lock before the new one was applied: the one
 * the shim may delete. Deleting by name pattern instead could revoke the
 * credential an overlapping rotation has just put in place.
 */
export const RotationAccepted = Accepted.extend({
  replaced_application_credential_id: z.string().nullable(),
});
export type RotationAccepted = z.infer<typeof RotationAccepted>;

export const NodeGroupStatusUpdate = z.object({
  name: z.string(),
  status: ClusterStatus,
  status_reason: z.string().nullable(),
  node_count: z.number().int().optional(),
  node_addresses: z.array(z.string()).optional(),
});

/** The fields the shim writes back onto Magnum's objects after a status call. */
export const StatusResponse = z.object({
  cluster: z.object({
    status: ClusterStatus,
    status_reason: z.string().nullable(),
    api_address: z.string().nullable().optional(),
    coe_version: z.string().nullable().optional(),
    master_addresses: z.array(z.string()).optional(),
    node_addresses: z.array(z.string()).optional(),
  }),
  nodegroups: z.array(NodeGroupStatusUpdate),
  /** Non-default node groups whose resources are gone; the shim destroys their rows. */
  deleted_nodegroups: z.array(z.string()),
  /** Set only at DELETE_COMPLETE, so the shim can delete the credential. */
  application_credential_id: z.string().nullable().optional(),
  /** Names of Nova server groups whose machines are gone (a deleted node group's, every one at DELETE_COMPLETE); the shim deletes those Nova has. */
  server_groups_to_delete: z.array(z.string()).optional(),
});
export type StatusResponse = z.infer<typeof StatusResponse>;

export const HealthResponse = z.object({
  health_status: z.enum(['HEALTHY', 'UNHEALTHY', 'UNKNOWN']),
  health_status_reason: z.record(z.string(), z.string()),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const ClusterSummary = z.object({
  uuid: z.string(),
  stack_id: z.string(),
  namespace: z.string(),
  project_id: z.string().nullable(),
  state: z.string().describe('Absent, Provisioning, Ready, Degraded, Deleting, Failed or Unknown'),
  reason: z.string().nullable(),
});
export type ClusterSummary = z.infer<typeof ClusterSummary>;

export const ClusterList = z.object({ clusters: z.array(ClusterSummary) });

export const KubeconfigResponse = z.object({ kubeconfig: z.string() });

export const RenderResponse = z.object({
  release: z.string(),
  namespace: z.string(),
  chart: z.object({ repo: z.string(), name: z.string(), version: z.string() }),
  values: z.record(z.string(), z.unknown()),
  helm_args: z.array(z.string()),
  /** The Nova server groups the labels ask for: the shim finds or creates each and sends its id in `resolved.server_groups`. */
  server_groups: z.array(z.object({
    name: z.string(),
    policy: z.enum(SERVER_GROUP_POLICIES),
    nodegroup: z.string().nullable().describe('the Magnum node group it holds; null for the control plane'),
    id: z.string().nullable().describe('the id the spec sent; null when it sent none'),
  })),
});
export type RenderResponse = z.infer<typeof RenderResponse>;
