/**
 * The Magnum driver contract as the HTTP routes see it: one method per driver
 * call. Routes translate HTTP to these calls and nothing else; the engine
 * that implements them is composed in `driver/index.ts`.
 */
import type {
  Accepted,
  ClusterSummary,
  NodeGroupCreateRequest,
  RenderResponse,
  ResizeRequest,
  RotationAccepted,
  UpgradeRequest,
} from '../api/schemas.js';
import type { Spec } from '../magnum/spec.js';
import type { StatusAnswer } from '../status/cluster.js';
import type { HealthReport } from '../status/health.js';

/**
 * A status answer, with the application credential to delete once the
 * delete is complete, and the Nova server groups whose machines are gone.
 */
export type StatusResult = StatusAnswer & { application_credential_id?: string | null; server_groups_to_delete?: string[] };

export interface Driver {
  createCluster(spec: Spec): Promise<Accepted>;
  updateCluster(spec: Spec): Promise<Accepted>;
  resizeCluster(request: ResizeRequest): Promise<Accepted>;
  upgradeCluster(request: UpgradeRequest): Promise<Accepted>;
  deleteCluster(spec: Spec): Promise<Accepted>;
  createNodeGroup(request: NodeGroupCreateRequest): Promise<Accepted>;
  updateNodeGroup(spec: Spec, nodegroup: string): Promise<Accepted>;
  deleteNodeGroup(spec: Spec, nodegroup: string): Promise<Accepted>;
  rotateCredential(spec: Spec): Promise<RotationAccepted>;
  clusterStatus(spec: Spec): Promise<StatusResult>;
  /** `nodegroups`: Magnum's worker groups, so a missing MachineDeployment is named; without them every cached one is judged. */
  clusterHealth(uuid: string, nodegroups?: readonly string[]): Promise<HealthReport>;
  listClusters(): Promise<ClusterSummary[]>;
  getCluster(uuid: string): Promise<ClusterSummary>;
  kubeconfig(uuid: string): Promise<string>;
  /** Dry run: what create/update would apply, changing nothing. */
  render(spec: Spec): Promise<RenderResponse>;
}

/** One dependency /readyz reports on. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; message: string }>;
}
