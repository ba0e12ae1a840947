/**
 * The driver used when no management cluster is configured: every call says
 * so with 501/503 instead of pretending to succeed.
 */
import { ManagementClusterUnavailable, NotImplemented } from '../errors.js';
import type { Driver } from './types.js';

export function unavailableDriver(reason: string): Driver {
  const refuse = async (): Promise<never> => {
    throw new ManagementClusterUnavailable(`no management cluster: ${reason}`);
  };
  return {
    createCluster: refuse,
    updateCluster: refuse,
    resizeCluster: refuse,
    upgradeCluster: refuse,
    deleteCluster: refuse,
    createNodeGroup: refuse,
    updateNodeGroup: refuse,
    deleteNodeGroup: refuse,
    rotateCredential: refuse,
    clusterStatus: refuse,
    clusterHealth: refuse,
    listClusters: refuse,
    getCluster: refuse,
    kubeconfig: refuse,
    render: async () => {
      throw new NotImplemented('values rendering is not built yet');
    },
  };
}
