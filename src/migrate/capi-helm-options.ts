/**
 * Every option magnum-capi-helm 1.4.0 registers in `[capi_helm]` and
 * `[capi_helm_cluster_labels]` (its conf.py), with its oslo type, its default
 * and the older spellings oslo still reads, and where each lands in this
 * driver's config, or why it does not. Read from its conf.py and from where
 * its driver.py, kubernetes.py and app_creds.py read each option.
 */

export type OptionType =
  | { kind: 'str'; choices?: readonly string[] }
  | { kind: 'int' }
  | { kind: 'bool' }
  | { kind: 'list' };

export type OptionValue = string | number | boolean | string[] | null;

/**
 * Where an option's value goes:
 * - `label`: `labelDefaults.<name>`, the site default under template and cluster labels;
 * - `setting`: a setting of this driver (a dotted path into config.ts's schema);
 * - `shim`: the Magnum shim reads it from magnum.conf itself;
 * - `unused`: magnum-capi-helm 1.4.0 registers it but never reads it;
 * - `dropped`: this driver has no such setting.
 */
export type Carry =
  | { to: 'label' }
  | { to: 'setting'; path: string }
  | { to: 'shim'; why: string }
  | { to: 'unused'; why: string }
  | { to: 'dropped'; why: string };

/** What the import says of one option beyond where it lands. */
export interface Verdict {
  /** False: left out of the config printed. */
  carried: boolean;
  message: string;
}

export interface CapiHelmOption {
  group: 'capi_helm' | 'capi_helm_cluster_labels';
  name: string;
  type: OptionType;
  /** magnum-capi-helm's default, as oslo hands it to the driver. */
  default: OptionValue;
  /** Older spellings oslo reads when the option itself is not set: `[group, name]`. */
  deprecated?: readonly (readonly [string, string])[];
  carry: Carry;
  /** A caveat or refusal particular to this option, from its value and whether magnum.conf sets it. */
  check?: (value: OptionValue, set: boolean) => Verdict | undefined;
}

const str = (choices?: readonly string[]): OptionType => (choices ? { kind: 'str', choices } : { kind: 'str' });
const INT: OptionType = { kind: 'int' };
const BOOL: OptionType = { kind: 'bool' };
const LIST: OptionType = { kind: 'list' };
const LABEL: Carry = { to: 'label' };
const setting = (path: string): Carry => ({ to: 'setting', path });

function capiHelm(name: string, type: OptionType, dflt: OptionValue, carry: Carry, check?: CapiHelmOption['check']): CapiHelmOption {
  return { group: 'capi_helm', name, type, default: dflt, carry, ...(check ? { check } : {}) };
}

/** A site label default; a label moved from `[capi_helm]` keeps its old place as a deprecated spelling. */
function label(name: string, type: OptionType, dflt: OptionValue, deprecated?: readonly (readonly [string, string])[], carry: Carry = LABEL): CapiHelmOption {
  return { group: 'capi_helm_cluster_labels', name, type, default: dflt, carry, ...(deprecated ? { deprecated } : {}) };
}
const movedFromCapiHelm = (name: string) => [['capi_helm', name]] as const;

const CONTROL_PLANE_CONDITIONS = ['MachinesReady', 'Ready', 'EtcdClusterHealthy', 'ControlPlaneComponentsHealthy'];

export const CAPI_HELM_OPTIONS: readonly CapiHelmOption[] = [
  capiHelm('kubeconfig_file', str(), '', setting('kubeconfig'), (value) =>
    value ? undefined : {
      carried: false,
      message: 'magnum-capi-helm used $KUBECONFIG or ~/.kube/config of the conductor; set kubeconfig to the management cluster\'s kubeconfig (without one this driver starts a local development cluster)',
    }),
  capiHelm('namespace_prefix', str(), 'magnum', setting('namespacePrefix')),
  capiHelm('helm_chart_repo', str(), 'https://azimuth-cloud.github.io/capi-helm-charts', setting('chart.repo')),
  capiHelm('helm_chart_name', str(), 'openstack-cluster', setting('chart.name')),
  capiHelm('default_helm_chart_version', str(), '0.10.1', setting('chart.defaultVersion'), (value, set) =>
    set ? undefined : {
      carried: true,
      message: `not set: magnum-capi-helm's own default ${String(value)} is written, which this driver renders as that chart expects; set a current chart version when you are ready to upgrade clusters`,
    }),
  capiHelm('minimum_flavor_ram', INT, 2048, setting('limits.minFlavorRamMb')),
  capiHelm('minimum_flavor_vcpus', INT, 2, setting('limits.minFlavorVcpus')),
  capiHelm('csi_cinder_default_volume_type', str(), null, setting('defaultVolumeType')),
  capiHelm('csi_cinder_allowed_topologies', LIST, [], setting('csiCinderAllowedTopologies'), (value) =>
    Array.isArray(value) && value.length > 0 ? {
      carried: false,
      message: `magnum-capi-helm passes these strings (${JSON.stringify(value)}) to the chart as they are, which writes them into StorageClass.allowedTopologies where Kubernetes expects {matchLabelExpressions: [{key, values}]}; write csiCinderAllowedTopologies in that shape`,
    } : undefined),
  capiHelm('app_cred_interface_type', str(), 'public', {
    to: 'shim',
    why: 'the shim reads it from magnum.conf where it is (or as [capi_sidecar] app_cred_interface_type) and writes it into each clouds.yaml',
  }),
  capiHelm('api_resources', str(), '{}', {
    to: 'dropped',
    why: 'this driver reads the Cluster API kinds at fixed API versions (status.capiVersion picks v1beta1 or v1beta2) and their standard plural names',
  }),
  capiHelm('k8s_control_plane_resource_conditions', LIST, CONTROL_PLANE_CONDITIONS, {
    to: 'dropped',
    why: 'this driver checks a fixed set of control-plane conditions (MachinesReady, Ready, EtcdClusterHealthy, ControlPlaneComponentsHealthy, and their v1beta2 equivalents)',
  }, (value, set) =>
    set && JSON.stringify(value) === JSON.stringify(CONTROL_PLANE_CONDITIONS)
      ? { carried: true, message: 'nothing to set here: the value is magnum-capi-helm\'s default, the conditions this driver checks' }
      : undefined),

  label('etcd_blockdevice_size', INT, 0),
  label('etcd_blockdevice_type', str(['volume', 'local']), 'volume'),
  label('etcd_blockdevice_volume_type', str(), ''),
  label('etcd_blockdevice_volume_az', str(), ''),
  label('etcd_volume_size', INT, 0, movedFromCapiHelm('etcd_volume_size'), {
    to: 'unused',
    why: 'magnum-capi-helm 1.4.0 reads only [capi_helm_cluster_labels] etcd_blockdevice_size (the etcd_volume_size label still works on templates and clusters, here too)',
  }),
  label('etcd_volume_type', str(), '', movedFromCapiHelm('etcd_volume_type'), {
    to: 'unused',
    why: 'magnum-capi-helm 1.4.0 reads only [capi_helm_cluster_labels] etcd_blockdevice_volume_type (the etcd_volume_type label still works on templates and clusters, here too)',
  }),
  label('monitoring_enabled', BOOL, false),
  label('kube_dashboard_enabled', BOOL, true),
  label('auto_healing_enabled', BOOL, true),
  label('auto_scaling_enabled', BOOL, false),
  label('min_node_count', INT, null),
  label('max_node_count', INT, null),
  label('keystone_auth_enabled', BOOL, false),
  label('csi_cinder_availability_zone', str(), 'nova', movedFromCapiHelm('csi_cinder_availability_zone')),
  label('csi_cinder_reclaim_policy', str(['Retain', 'Delete']), 'Retain', movedFromCapiHelm('csi_cinder_reclaim_policy')),
  label('csi_cinder_volume_binding_mode', str(['WaitForFirstConsumer', 'Immediate']), 'WaitForFirstConsumer', movedFromCapiHelm('csi_cinder_volume_binding_mode')),
  label('csi_cinder_fstype', str(), 'ext4', movedFromCapiHelm('csi_cinder_fstype')),
  label('csi_cinder_allow_volume_expansion', BOOL, true, movedFromCapiHelm('csi_cinder_allow_volume_expansion')),
  label('octavia_provider', str(), 'amphora'),
  label('octavia_lb_algorithm', str(), ''),
  label('octavia_lb_healthcheck', BOOL, true),
  label('master_lb_floating_ip_enabled', BOOL, true),
  label('fixed_subnet_cidr', str(), '10.0.0.0/24'),
  label('api_master_lb_allowed_cidrs', str(), ''),
  {
    ...label('extra_network_names', str(), '', [['capi_helm_cluster_labels', 'extra_network_name']]),
    check: (value, set) =>
      set && value ? {
        carried: true,
        message: 'carried; one difference: a template or cluster still using the old label extra_network_name now overrides this default, where magnum-capi-helm let the default win',
      } : undefined,
  },
  label('boot_volume_type', str(), null),
  label('boot_volume_size', INT, null),
  label('capi_helm_chart_version', str(), '', undefined, {
    to: 'unused',
    why: 'magnum-capi-helm 1.4.0 takes the chart version from the template label or [capi_helm] default_helm_chart_version, never from this option',
  }),
];

export const CAPI_HELM_GROUPS: readonly string[] = ['capi_helm', 'capi_helm_cluster_labels'];
