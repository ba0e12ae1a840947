/** Playing the Cluster API controllers for one release: the statuses they would write. */
import { kube } from './kube.js';

const T = '2026-01-01T00:00:00Z';
const ok = (type: string) => ({ type, status: 'True', lastTransitionTime: T });

export function capiPlayer(kubeconfig: string, namespace: string, release: string) {
  const k = kube(kubeconfig);
  return {
    async infrastructureReady() {
      await k.setStatus('OpenStackCluster', namespace, release, { ready: true, conditions: [ok('Ready')] });
    },
    async infrastructureFailed(reason: string, message: string) {
      await k.setStatus('OpenStackCluster', namespace, release, { ready: false, failureReason: reason, failureMessage: message, conditions: [{ type: 'Ready', status: 'False', reason, message, lastTransitionTime: T }] });
    },
    async endpoint(host: string, port: number) {
      await k.patchSpec('Cluster', namespace, release, { controlPlaneEndpoint: { host, port } });
    },
    async clusterReady() {
      await k.setStatus('Cluster', namespace, release, { phase: 'Provisioned', conditions: ['InfrastructureReady', 'ControlPlaneReady', 'Ready'].map(ok) });
    },
    async controlPlaneReady(replicas = 1, version = 'v1.31.4') {
      await k.setObservedStatus('KubeadmControlPlane', namespace, `${release}-control-plane`, {
        replicas, updatedReplicas: replicas, readyReplicas: replicas, version,
        conditions: ['MachinesReady', 'Ready', 'EtcdClusterHealthy', 'ControlPlaneComponentsHealthy'].map(ok),
      });
    },
    async workersRunning(group: string, replicas: number) {
      await k.setObservedStatus('MachineDeployment', namespace, `${release}-${group}`, { phase: 'Running', replicas, updatedReplicas: replicas, readyReplicas: replicas, conditions: [ok('Ready')] });
    },
    /**
     * The addon provider's work: every HelmRelease and Manifests the chart rendered for this
     * cluster (the real 0.27.0 renders 9 and 3 for a default cluster, 13 and 8 with monitoring
     * and keystone auth) is Deployed, but `except`. Returns the names marked.
     */
    async addonsDeployed(opts: { except?: string } = {}): Promise<{ helmReleases: string[]; manifests: string[] }> {
      const mark = async (kind: 'HelmRelease' | 'Manifests') => {
        const names: string[] = [];
        for (const a of await k.list(kind, namespace)) {
          if (a.spec.clusterName !== release || a.metadata.name === opts.except) continue;
          await k.setStatus(kind, namespace, a.metadata.name, { phase: 'Deployed' });
          names.push(a.metadata.name as string);
        }
        return names.sort();
      };
      return { helmReleases: await mark('HelmRelease'), manifests: await mark('Manifests') };
    },
    async machine(group: string, index: number, address: string) {
      const name = `${release}-${group}-${index}`;
      await k.create('Machine', namespace, {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'Machine',
        metadata: { name, labels: { 'capi.stackhpc.com/cluster': release, 'capi.stackhpc.com/component': 'worker', 'capi.stackhpc.com/node-group': group } },
        spec: { clusterName: release, bootstrap: { dataSecretName: 'none' }, infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachine', name } },
      });
      await k.setStatus('Machine', namespace, name, { phase: 'Running', addresses: [{ type: 'InternalIP', address }] });
    },
    /** Everything ready: what CAPI and the addon provider report once a cluster is up. */
    async allReady(workers: Record<string, number>, addons: { except?: string } = {}) {
      await this.infrastructureReady();
      await this.endpoint('203.0.113.10', 6443);
      await this.clusterReady();
      await this.controlPlaneReady();
      for (const [g, n] of Object.entries(workers)) await this.workersRunning(g, n);
      await this.addonsDeployed(addons);
    },
  };
}
