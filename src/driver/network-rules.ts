/**
 * Which cluster-network changes a helm run may make: none of the pod range,
 * the Service range or the DNS domain of a cluster that exists. Every node,
 * the CNI's address pools, each Service's address and the API server's
 * certificate were made from them; Cluster API would take a new value
 * without moving any of those. Pure: the caller reads what is live.
 */
import { NotSupported } from '../errors.js';
import { CHART_NETWORK_DEFAULTS, POD_POOL_LABELS } from '../values/networks.js';
import type { ClusterNetwork } from './ports.js';

interface Planned {
  kubeNetwork?: { pods?: { cidrBlocks?: string[] }; services?: { cidrBlocks?: string[] }; serviceDomain?: string };
  addons?: { cni?: { type?: string } };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The network the values would give the Cluster: theirs, else the chart's defaults. */
export function plannedNetwork(values: Record<string, unknown>): Required<ClusterNetwork> {
  const net = (values as Planned).kubeNetwork;
  return {
    pods: net?.pods?.cidrBlocks ?? [CHART_NETWORK_DEFAULTS.pods],
    services: net?.services?.cidrBlocks ?? [CHART_NETWORK_DEFAULTS.services],
    serviceDomain: net?.serviceDomain ?? CHART_NETWORK_DEFAULTS.serviceDomain,
  };
}

/**
 * Throws NotSupported naming the label and both values. The reason comes
 * first and the (dotted) ranges after: Magnum shows a message up to its first
 * full stop as the title.
 */
export function checkNetworkChange(live: ClusterNetwork | null, values: Record<string, unknown>): void {
  if (!live) return;
  const planned = plannedNetwork(values);
  const cni = (values as Planned).addons?.cni?.type === 'cilium' ? 'cilium' : 'calico';
  const refuse = (what: string, label: string, had: string, asked: string) => {
    throw new NotSupported(`The ${what} of a live cluster cannot change: it has ${had}, this call asks for ${asked}`, `labels.${label}`);
  };
  if (live.pods && !same(live.pods, planned.pods)) refuse('pod network', POD_POOL_LABELS[cni], live.pods.join(','), planned.pods.join(','));
  if (live.services && !same(live.services, planned.services)) refuse('Service network', 'service_cluster_ip_range', live.services.join(','), planned.services.join(','));
  if (live.serviceDomain && live.serviceDomain !== planned.serviceDomain) refuse('cluster DNS domain', 'dns_cluster_domain', live.serviceDomain, planned.serviceDomain);
}
