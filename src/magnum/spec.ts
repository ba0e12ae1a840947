/**
 * The spec document: what the Magnum shim sends on every driver call.
 *
 * Field names are Magnum's own (snake_case), so the shim can send its objects'
 * `as_dict()` output after picking these keys. Objects are strict: an unknown
 * key is a 400 naming it, because a misspelt field silently ignored is a
 * cluster built differently from what its owner asked for.
 */
import { z } from 'zod';

/** Magnum stores labels as a dict of strings; values are parsed later, per label. */
export const Labels = z.record(z.string().max(255), z.string().max(4096));
export type Labels = z.infer<typeof Labels>;

const Uuid = z.string().min(1).max(64);
const Id = z.string().min(1).max(255);
const Count = z.number().int().min(0).max(10_000);

export const ClusterStatus = z.enum([
  'CREATE_IN_PROGRESS', 'CREATE_FAILED', 'CREATE_COMPLETE',
  'UPDATE_IN_PROGRESS', 'UPDATE_FAILED', 'UPDATE_COMPLETE',
  'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_COMPLETE',
  'RESUME_COMPLETE', 'RESUME_FAILED', 'RESTORE_COMPLETE',
  'ROLLBACK_IN_PROGRESS', 'ROLLBACK_FAILED', 'ROLLBACK_COMPLETE',
  'SNAPSHOT_COMPLETE', 'CHECK_COMPLETE', 'ADOPT_COMPLETE',
]);
export type ClusterStatus = z.infer<typeof ClusterStatus>;

export const Cluster = z.strictObject({
  uuid: Uuid,
  name: z.string().max(242).nullable(),
  project_id: Id,
  user_id: Id.nullable().optional(),
  stack_id: z.string().max(63).nullable(),
  status: ClusterStatus.nullable(),
  status_reason: z.string().max(65_536).nullable().optional(),
  labels: Labels.default({}),
  keypair: z.string().max(255).nullable().optional(),
  master_flavor_id: z.string().max(255).nullable().optional(),
  flavor_id: z.string().max(255).nullable().optional(),
  master_count: Count,
  node_count: Count,
  fixed_network: z.string().max(255).nullable().optional(),
  fixed_subnet: z.string().max(255).nullable().optional(),
  floating_ip_enabled: z.boolean().nullable().optional(),
  master_lb_enabled: z.boolean().nullable().optional(),
  create_timeout: z.number().int().min(0).max(100_000).nullable().optional(),
  cluster_template_id: Uuid.nullable().optional(),
  api_address: z.string().max(1024).nullable().optional(),
  coe_version: z.string().max(64).nullable().optional(),
  docker_volume_size: z.number().int().min(0).nullable().optional(),
  health_status: z.string().max(64).nullable().optional(),
  master_addresses: z.array(z.string().max(255)).nullable().optional(),
  node_addresses: z.array(z.string().max(255)).nullable().optional(),
  created_at: z.string().max(64).nullable().optional(),
  updated_at: z.string().max(64).nullable().optional(),
});
export type Cluster = z.infer<typeof Cluster>;

export const ClusterTemplate = z.strictObject({
  uuid: Uuid,
  name: z.string().max(255).nullable().optional(),
  labels: Labels.default({}),
  image_id: z.string().min(1).max(255),
  external_network_id: z.string().max(255).nullable().optional(),
  dns_nameserver: z.string().max(1024).nullable().optional(),
  network_driver: z.string().max(64).nullable().optional(),
  fixed_network: z.string().max(255).nullable().optional(),
  fixed_subnet: z.string().max(255).nullable().optional(),
  master_lb_enabled: z.boolean().nullable().optional(),
  floating_ip_enabled: z.boolean().nullable().optional(),
  coe: z.string().max(64).nullable().optional(),
  server_type: z.string().max(64).nullable().optional(),
  cluster_distro: z.string().max(64).nullable().optional(),
  flavor_id: z.string().max(255).nullable().optional(),
  master_flavor_id: z.string().max(255).nullable().optional(),
  keypair_id: z.string().max(255).nullable().optional(),
});
export type ClusterTemplate = z.infer<typeof ClusterTemplate>;

export const NodeGroupStatus = ClusterStatus;

/**
 * Magnum master (API 1.14) stores these on node groups: a dict of strings and
 * a list of dicts of strings. Only the shape is checked here; Magnum's own
 * rules (restricted prefixes, effects, none on the control plane) are 422s
 * from magnum/node-attrs.ts, with Magnum's messages.
 */
export const NodeLabels = z.record(z.string().max(317), z.string().max(255));
export type NodeLabels = z.infer<typeof NodeLabels>;
export const NodeTaints = z.array(z.record(z.string().max(64), z.string().max(317))).max(100);
export type NodeTaints = z.infer<typeof NodeTaints>;

export const NodeGroup = z.strictObject({
  uuid: Uuid,
  name: z.string().min(1).max(255),
  role: z.string().min(1).max(255),
  node_count: Count,
  min_node_count: Count.nullable().optional(),
  max_node_count: Count.nullable().optional(),
  flavor_id: z.string().max(255).nullable().optional(),
  image_id: z.string().max(255).nullable().optional(),
  labels: Labels.default({}),
  is_default: z.boolean().default(false),
  status: ClusterStatus.nullable().optional(),
  status_reason: z.string().max(65_536).nullable().optional(),
  node_addresses: z.array(z.string().max(255)).nullable().optional(),
  docker_volume_size: z.number().int().min(0).nullable().optional(),
  stack_id: z.string().max(255).nullable().optional(),
  version: z.string().max(64).nullable().optional(),
  /** Absent from Magnum before API 1.14 (the shim then sends neither). */
  node_labels: NodeLabels.nullable().optional(),
  node_taints: NodeTaints.nullable().optional(),
});
export type NodeGroup = z.infer<typeof NodeGroup>;

export const ImageFacts = z.strictObject({
  id: z.string().min(1).max(255),
  kube_version: z.string().max(64).nullable().optional(),
  os_distro: z.string().max(64).nullable().optional(),
});
export type ImageFacts = z.infer<typeof ImageFacts>;

export const FlavorFacts = z.strictObject({
  id: z.string().min(1).max(255),
  name: z.string().max(255),
  vcpus: z.number().int().min(0),
  /** MiB, as Nova reports it. */
  ram: z.number().int().min(0),
});
export type FlavorFacts = z.infer<typeof FlavorFacts>;

/**
 * A Nova server group the shim found by name or created, as Nova reports it.
 * The chart writes the id unquoted into YAML: a UUID (Nova's only form)
 * always reads back as a string.
 */
export const ServerGroupFacts = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i, 'a Nova server group id (a UUID)'),
  policy: z.string().min(1).max(64),
});
export type ServerGroupFacts = z.infer<typeof ServerGroupFacts>;

/** OpenStack facts the shim resolved with Magnum's own clients. */
export const Resolved = z.strictObject({
  /** The cluster template's image. */
  image: ImageFacts,
  /** Every other image a node group names, keyed by the identifier Magnum stores. */
  images: z.record(z.string().max(255), ImageFacts).default({}),
  /** Keyed by the flavor identifier as Magnum stores it (id or name). */
  flavors: z.record(z.string().max(255), FlavorFacts).default({}),
  external_network_id: z.string().max(255).nullable().optional(),
  fixed_network_id: z.string().max(255).nullable().optional(),
  fixed_subnet_id: z.string().max(255).nullable().optional(),
  /** Cinder volume type names, in Cinder's order. */
  volume_types: z.array(z.string().min(1).max(255)).default([]),
  /** Manila share type names, in Manila's order; null or absent when Manila is not in the catalog. */
  share_types: z.array(z.string().min(1).max(255)).max(100).nullable().optional(),
  auth_url: z.string().max(1024).nullable().optional(),
  project_id: z.string().max(255).nullable().optional(),
  /**
   * The cluster's Nova server groups, keyed by name (magnum/server-groups.ts
   * names them). Absent until the shim has resolved them: a dry run then
   * answers which groups the labels ask for, and a write is refused.
   */
  server_groups: z.record(z.string().max(255), ServerGroupFacts).optional(),
  // Magnum's own settings that magnum-capi-helm honoured (issue 21).
  /** Magnum's `[cinder] default_boot_volume_type`: the boot volume type when no label or site default sets one. */
  default_boot_volume_type: z.string().max(255).nullable().optional(),
  /** Magnum's `[cinder] default_boot_volume_size` (GB): the boot volume size likewise; 0 means none. */
  default_boot_volume_size: z.number().int().min(0).max(1_000_000).nullable().optional(),
});
export type Resolved = z.infer<typeof Resolved>;

export const Credentials = z.strictObject({
  clouds_yaml: z.string().min(1).max(65_536),
  cacert: z.string().max(262_144).nullable().optional(),
  application_credential_id: z.string().max(255).nullable().optional(),
});
export type Credentials = z.infer<typeof Credentials>;

const KeyPair = z.strictObject({
  cert: z.string().min(1).max(65_536),
  key: z.string().min(1).max(65_536),
});

export const Certificates = z.strictObject({
  ca: KeyPair,
  etcd: KeyPair,
  proxy: KeyPair,
  sa: KeyPair,
});
export type Certificates = z.infer<typeof Certificates>;

/** Everything the sidecar needs to render a cluster's full desired state. */
/** Magnum keys node groups by name within a cluster; two with one name would render one MachineDeployment. */
const NodeGroups = z
  .array(NodeGroup)
  .max(200)
  .default([])
  .superRefine((groups, ctx) => {
    for (const key of ['name', 'uuid'] as const) {
      const seen = new Set<string>();
      groups.forEach((g, i) => {
        if (seen.has(g[key])) {
          ctx.addIssue({ code: 'custom', path: [i, key], message: `duplicate node group ${key} ${JSON.stringify(g[key])}` });
        }
        seen.add(g[key]);
      });
    }
  });

export const Spec = z.strictObject({
  cluster: Cluster,
  cluster_template: ClusterTemplate,
  nodegroups: NodeGroups,
  resolved: Resolved,
  credentials: Credentials.optional(),
  certificates: Certificates.optional(),
  /** Magnum's request id, carried into our logs so operators can join the two. */
  request_id: z.string().max(255).optional(),
});
export type Spec = z.infer<typeof Spec>;
export type SpecInput = z.input<typeof Spec>;
