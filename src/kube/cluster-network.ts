/**
 * A fresh read of one Cluster's spec.clusterNetwork, for the rule that a
 * live cluster's networks never change (driver/network-rules.ts). A GET per
 * mutating call, not the watch cache: the cache keeps only what status needs.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { ClusterNetwork, LiveClusterNetwork } from '../driver/ports.js';
import { isNotFound, managementError } from './errors.js';

interface ClusterObject {
  spec?: { clusterNetwork?: { pods?: { cidrBlocks?: string[] }; services?: { cidrBlocks?: string[] }; serviceDomain?: string } };
}

export function liveClusterNetwork(config: KubeConfig, capiVersion = 'v1beta1', onGet?: () => void): LiveClusterNetwork {
  const custom = config.makeApiClient(CustomObjectsApi);
  return {
    async read(ref) {
      let cluster: ClusterObject;
      try {
        onGet?.();
        cluster = (await custom.getNamespacedCustomObject({ group: 'cluster.x-k8s.io', version: capiVersion, plural: 'clusters', namespace: ref.namespace, name: ref.release })) as ClusterObject;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw managementError(err, `read Cluster ${ref.namespace}/${ref.release}`);
      }
      const net = cluster.spec?.clusterNetwork;
      const out: ClusterNetwork = {};
      if (net?.pods?.cidrBlocks?.length) out.pods = net.pods.cidrBlocks;
      if (net?.services?.cidrBlocks?.length) out.services = net.services.cidrBlocks;
      if (net?.serviceDomain) out.serviceDomain = net.serviceDomain;
      return out;
    },
  };
}
