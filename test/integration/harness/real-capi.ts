/**
 * The real Cluster API controllers of the integration run (see
 * src/devcluster/capi.ts): they reconcile one namespace, a Magnum project of
 * its own, so the suites that still play Cluster API by writing `.status`
 * share the management cluster with them. The providers that cannot run here
 * (CAPO, the control plane's status, the workload Nodes) are played by
 * src/devcluster/player.ts, started with the cluster.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { REAL_CAPI_PROJECT } from './real-capi-project.js';
import { clusterSpec } from './specs.js';

/**
 * A spec in the real controllers' project whose CA key pairs are real: the
 * bootstrap provider parses the cluster CA, and the workload API server's
 * certificate is signed by it.
 */
export function realClusterSpec(name: string, change: (s: SpecInput) => void = () => {}): ReturnType<typeof clusterSpec> {
  const { caCert, caKey } = inject('realCapi');
  const pair = { cert: readFileSync(caCert, 'utf8'), key: readFileSync(caKey, 'utf8') };
  return clusterSpec(name, (s) => {
    s.cluster.project_id = REAL_CAPI_PROJECT;
    s.resolved = { ...s.resolved, project_id: REAL_CAPI_PROJECT };
    s.certificates = { ca: pair, etcd: pair, proxy: pair, sa: pair };
    change(s);
  });
}

/** The workload clusters' Nodes, as their kubelets (the player) registered them. */
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
