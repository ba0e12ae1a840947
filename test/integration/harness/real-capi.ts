/** The workload clusters' side of the real Cluster API run: their Nodes, as their kubelets (the player) registered them. */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';

export function workloadNodes() {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('realCapi').workloadKubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  return {
    core,
    async setReady(name: string, status: 'True' | 'False' | 'Unknown') {
      const now = new Date();
      const node = await core.readNode({ name });
      const conditions = (node.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status, reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady', lastTransitionTime: now, lastHeartbeatTime: now } : c));
      await core.replaceNodeStatus({ name, body: { ...node, status: { ...node.status, conditions } } });
    },
  };
}
