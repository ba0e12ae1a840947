/**
 * Addons: Cinder storage classes, the OpenStack cloud config for load
 * balancers, monitoring, the dashboard (old charts only), ingress and CNI.
 */
import { MagnumRuleViolation } from '../errors.js';
import { sanitise } from '../magnum/names.js';
import { octaviaProvider } from './cluster.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

const LB_METHODS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'] as const;
/** CNI plugins the chart can install; Magnum's flannel is not one of them. */
const CNI_TYPES = ['calico', 'cilium'] as const;

export function storageClassValues({ spec, site, labels }: RenderContext): Values {
  const types = spec.resolved.volume_types;
  if (types.length === 0) return {};
  const defaultType = site.defaultVolumeType ?? types[0]!;
  if (!types.includes(defaultType)) {
    throw new MagnumRuleViolation(`${defaultType} is not a valid Cinder volume type.`, 'resolved.volume_types');
  }
  const common = {
    reclaimPolicy: labels.oneOf('csi_cinder_reclaim_policy', ['Retain', 'Delete'] as const, 'Retain'),
    allowVolumeExpansion: labels.bool('csi_cinder_allow_volume_expansion', true),
    volumeBindingMode: labels.oneOf('csi_cinder_volume_binding_mode', ['WaitForFirstConsumer', 'Immediate'] as const, 'WaitForFirstConsumer'),
    availabilityZone: labels.str('csi_cinder_availability_zone', 'nova')!,
    fstype: labels.plainWord('csi_cinder_fstype', /^[a-z0-9]{1,16}$/, 'a filesystem type such as ext4 or xfs', 'ext4'),
    // null lets the chart leave the field out: volumes may then be placed anywhere.
    allowedTopologies: site.csiCinderAllowedTopologies.length > 0 ? site.csiCinderAllowedTopologies : null,
    enabled: true,
  };
  const used = new Set<string>();
  // Two Cinder types may sanitise alike; a storage class name must still be unique.
  const className = (type: string) => {
    const base = sanitise(type) || 'volume';
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  };
  let defaultStorageClass: Values = {};
  const additionalStorageClasses: Values[] = [];
  for (const type of types) {
    const sc: Values = { name: className(type), volumeType: type, ...common };
    if (type === defaultType && Object.keys(defaultStorageClass).length === 0) defaultStorageClass = sc;
    else additionalStorageClasses.push(sc);
  }
  return { addons: { openstack: { csiCinder: { defaultStorageClass, additionalStorageClasses } } } };
}

export function loadBalancerValues(ctx: RenderContext): Values {
  const provider = octaviaProvider(ctx);
  const method = ctx.labels.oneOf('octavia_lb_algorithm', LB_METHODS, provider.toLowerCase() === 'ovn' ? 'SOURCE_IP_PORT' : 'ROUND_ROBIN');
  return {
    addons: {
      openstack: {
        cloudConfig: {
          LoadBalancer: {
            'lb-provider': provider,
            'lb-method': method,
            'create-monitor': ctx.labels.bool('octavia_lb_healthcheck', true),
          },
        },
      },
    },
  };
}

export function addonToggleValues({ labels, features }: RenderContext): Values {
  const addons: Values = {
    monitoring: { enabled: labels.bool('monitoring_enabled', false) },
    // The chart's ingress would leave a load balancer behind on delete: kept off, as upstream.
    ingress: { enabled: false },
  };
  if (features.hasDashboardAddon) addons.kubernetesDashboard = { enabled: labels.bool('kube_dashboard_enabled', true) };
  else labels.bool('kube_dashboard_enabled', true); // still validated, so a typo is caught on every chart
  return { addons };
}

/** The template's CNI, if it names one; a driver the chart cannot install is a 422. */
export function cniType({ spec }: RenderContext): (typeof CNI_TYPES)[number] | undefined {
  const driver = spec.cluster_template.network_driver?.trim().toLowerCase();
  if (!driver) return undefined;
  const type = CNI_TYPES.find((t) => t === driver);
  if (!type) {
    throw new MagnumRuleViolation(
      `The network driver ${JSON.stringify(driver)} cannot be installed by the openstack-cluster chart: use calico or cilium (a template without network_driver gets Magnum's default, flannel: set [cluster_template] kubernetes_default_network_driver = calico and kubernetes_allowed_network_drivers = calico,cilium in Magnum's configuration)`,
      'cluster_template.network_driver',
    );
  }
  return type;
}

export function cniValues(ctx: RenderContext): Values {
  const type = cniType(ctx);
  return type ? { addons: { cni: { type } } } : {};
}
