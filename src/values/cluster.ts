/**
 * Cluster-wide values: image and Kubernetes version, credentials, networking,
 * the API server and its load balancer, the control plane, etcd, boot
 * volumes, extra networks and keystone auth. One function per concern.
 */
import { InvalidInput, MagnumRuleViolation } from '../errors.js';
import { isPlainName } from '../magnum/labels.js';
import { derivedName } from '../magnum/names.js';
import { checkFlavor, checkMasterCount } from '../magnum/rules.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

const KUBE_VERSION = /^v?(\d+\.\d+\.\d+)$/;

export function imageValues({ spec }: RenderContext): Values {
  const image = spec.resolved.image;
  const raw = image.kube_version?.trim();
  if (!raw) {
    throw new MagnumRuleViolation(`Image ${image.id} does not have a kube_version property.`, 'resolved.image.kube_version');
  }
  const m = KUBE_VERSION.exec(raw);
  if (!m) {
    throw new MagnumRuleViolation(`Image ${image.id} has a malformed kube_version property. Expected a version such as v1.31.4, got ${JSON.stringify(raw)}`, 'resolved.image.kube_version');
  }
  const osDistro = image.os_distro?.trim();
  if (!osDistro) {
    throw new MagnumRuleViolation(`Image ${image.id} does not have an os_distro property.`, 'resolved.image.os_distro');
  }
  return { kubernetesVersion: m[1], machineImageId: image.id, osDistro };
}

export function credentialValues({ spec, release }: RenderContext): Values {
  return {
    machineSSHKeyName: spec.cluster.keypair || null,
    cloudCredentialsSecretName: derivedName(release, 'cloud-credentials'),
  };
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * The Neutron id the shim resolved, else the Magnum value when it already is an id. A name
 * left unresolved is refused: rendering null instead would let the chart pick or create some
 * other network without a word.
 */
function networkId(resolvedId: string | null | undefined, asStored: string | null | undefined, what: string, field: string): string | null {
  if (resolvedId) return resolvedId;
  const raw = asStored?.trim();
  if (!raw) return null;
  if (UUID.test(raw)) return raw;
  throw new InvalidInput(`${what} ${JSON.stringify(raw)} was not resolved to an id; the shim must send ${field}`, field);
}

export function networkingValues({ spec, labels }: RenderContext): Values {
  const { resolved, cluster_template: template, cluster } = spec;
  const dns = template.dns_nameserver?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const externalNetworkId = networkId(resolved.external_network_id, template.external_network_id, 'external network', 'resolved.external_network_id');
  const fixedNetworkId = networkId(resolved.fixed_network_id, cluster.fixed_network, 'fixed network', 'resolved.fixed_network_id');
  const fixedSubnetId = networkId(resolved.fixed_subnet_id, cluster.fixed_subnet, 'fixed subnet', 'resolved.fixed_subnet_id');
  return {
    clusterNetworking: {
      externalNetworkId,
      dnsNameservers: dns && dns.length > 0 ? dns : null,
      internalNetwork: {
        networkFilter: fixedNetworkId ? { id: fixedNetworkId } : null,
        subnetFilter: fixedSubnetId ? { id: fixedSubnetId } : null,
        // Only used when no fixed network is given: the chart then creates one.
        nodeCidr: labels.cidr('fixed_subnet_cidr', '10.0.0.0/24'),
      },
    },
  };
}

export function octaviaProvider({ labels }: RenderContext): string {
  return labels.plainWord('octavia_provider', /^[A-Za-z0-9_-]{1,64}$/, 'an Octavia provider name such as amphora or ovn', 'amphora');
}

export function apiServerValues(ctx: RenderContext): Values {
  const { labels, features } = ctx;
  const apiServer: Values = {
    // Always on: rolling control-plane upgrades need a stable endpoint.
    enableLoadBalancer: true,
    loadBalancerProvider: octaviaProvider(ctx),
    associateFloatingIP: labels.bool('master_lb_floating_ip_enabled', true),
  };
  const cidrs = labels.cidrList('api_master_lb_allowed_cidrs');
  if (cidrs) apiServer[features.allowedCidrsKey] = cidrs;
  return { apiServer };
}

export function controlPlaneValues(ctx: RenderContext): Values {
  const { spec, site, labels } = ctx;
  checkMasterCount(spec.cluster.master_count);
  checkFlavor(spec.cluster.master_flavor_id, spec.resolved.flavors, site.limits, 'cluster.master_flavor_id');
  const autoHeal = labels.bool('auto_healing_enabled', true);
  return {
    controlPlane: {
      machineFlavor: spec.cluster.master_flavor_id,
      machineCount: spec.cluster.master_count,
      healthCheck: { enabled: autoHeal },
    },
    nodeGroupDefaults: { healthCheck: { enabled: autoHeal } },
  };
}

export function etcdValues({ labels }: RenderContext): Values {
  const size = labels.int(['etcd_blockdevice_size', 'etcd_volume_size'], 0)!;
  if (size <= 0) return { etcd: {} };
  const type = labels.oneOf('etcd_blockdevice_type', ['volume', 'local'] as const, 'volume');
  if (type === 'local') return { etcd: { blockDevice: { size, type: 'Local' } } };
  const blockDevice: Values = { size, type: 'Volume' };
  const volumeType = labels.str(['etcd_blockdevice_volume_type', 'etcd_volume_type']);
  if (volumeType) blockDevice.volumeType = volumeType;
  const az = labels.str('etcd_blockdevice_volume_az');
  if (az) blockDevice.availabilityZone = az;
  return { etcd: { blockDevice } };
}

/**
 * Magnum's `[cinder]` boot volume type, which magnum-capi-helm used when no
 * label or site default set one. An operator's setting, not a tenant's, but
 * written unquoted by the chart all the same: held to the label's rule.
 */
function cinderBootVolumeType({ spec }: RenderContext): string | undefined {
  const type = spec.resolved.default_boot_volume_type?.trim();
  if (!type) return undefined;
  if (!isPlainName(type)) {
    throw new InvalidInput(`resolved.default_boot_volume_type ${JSON.stringify(type)} must be a plain volume type name (letters, digits, spaces and . _ / -)`, 'resolved.default_boot_volume_type');
  }
  return type;
}

export function bootVolumeValues(ctx: RenderContext): Values {
  const { labels, spec } = ctx;
  const rootVolume: Values = {};
  const volumeType = labels.str('boot_volume_type') ?? cinderBootVolumeType(ctx);
  if (volumeType) rootVolume.volumeType = volumeType;
  // A label or site default of 0 means no size, and Magnum's is not consulted: as magnum-capi-helm reads them.
  const size = labels.int('boot_volume_size', undefined) ?? spec.resolved.default_boot_volume_size ?? undefined;
  if (size) rootVolume.diskSize = size;
  if (Object.keys(rootVolume).length === 0) return {};
  return { controlPlane: { machineRootVolume: rootVolume }, nodeGroupDefaults: { machineRootVolume: { ...rootVolume } } };
}

export function extraNetworkValues({ labels }: RenderContext): Values {
  const names = labels.nameList(['extra_network_names', 'extra_network_name']);
  if (!names || names.length === 0) return {};
  // The first, empty port keeps the cluster's own network; the rest are added beside it.
  const ports = [{}, ...names.map((name) => ({ network: { name }, securityGroups: [] }))];
  return { nodeGroupDefaults: { machineNetworking: { ports } } };
}

export function keystoneAuthValues({ spec, labels }: RenderContext): Values {
  if (!labels.bool('keystone_auth_enabled', false)) return {};
  if (!spec.resolved.auth_url) {
    throw new MagnumRuleViolation('keystone_auth_enabled needs the Keystone URL: the shim must send resolved.auth_url', 'resolved.auth_url');
  }
  return {
    authWebhook: 'k8s-keystone-auth',
    addons: {
      openstack: {
        k8sKeystoneAuth: {
          enabled: true,
          values: { openstackAuthUrl: spec.resolved.auth_url, projectId: spec.resolved.project_id ?? spec.cluster.project_id },
        },
      },
    },
  };
}
