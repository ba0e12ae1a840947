/**
 * An in-memory Driver for route tests: it records every call so a test can
 * check that invalid input never reached the engine, and can hold a call
 * open to test graceful shutdown.
 */
import type { Driver } from '../../src/driver/types.js';

export interface RecordingDriver extends Driver {
  calls: { method: string; args: unknown[] }[];
  /** When set, every mutating call waits for this promise before answering. */
  gate?: Promise<void>;
}

export function recordingDriver(): RecordingDriver {
  const calls: RecordingDriver['calls'] = [];
  const driver: Partial<RecordingDriver> = { calls };
  const accepted = async (method: string, args: unknown[]) => {
    calls.push({ method, args });
    if (driver.gate) await driver.gate;
    const answer = { stack_id: 'k8s-cluster-abcdefabcdef', namespace: 'magnum-project', revision: 1 };
    return method === 'rotateCredential' ? { ...answer, replaced_application_credential_id: 'ac-old' } : answer;
  };
  const mutating = ['createCluster', 'updateCluster', 'resizeCluster', 'upgradeCluster', 'deleteCluster',
    'createNodeGroup', 'updateNodeGroup', 'deleteNodeGroup', 'rotateCredential'] as const;
  for (const m of mutating) (driver as Record<string, unknown>)[m] = (...args: unknown[]) => accepted(m, args);
  Object.assign(driver, {
    clusterStatus: async (...args: unknown[]) => {
      calls.push({ method: 'clusterStatus', args });
      return { cluster: { status: 'CREATE_IN_PROGRESS', status_reason: null }, nodegroups: [], deleted_nodegroups: [] };
    },
    clusterHealth: async (uuid: string, nodegroups?: readonly string[]) => {
      calls.push({ method: 'clusterHealth', args: nodegroups ? [uuid, nodegroups] : [uuid] });
      return { health_status: 'UNKNOWN', health_status_reason: {} };
    },
    listClusters: async () => {
      calls.push({ method: 'listClusters', args: [] });
      return [];
    },
    getCluster: async (uuid: string) => {
      calls.push({ method: 'getCluster', args: [uuid] });
      return { uuid, stack_id: 's', namespace: 'n', project_id: null, state: 'Ready', reason: null };
    },
    kubeconfig: async (uuid: string) => {
      calls.push({ method: 'kubeconfig', args: [uuid] });
      return 'apiVersion: v1\nkind: Config\n';
    },
    render: async (...args: unknown[]) => {
      calls.push({ method: 'render', args });
      return { release: 'r', namespace: 'n', chart: { repo: '', name: 'c', version: '1' }, values: {}, helm_args: [], server_groups: [] };
    },
  });
  return driver as RecordingDriver;
}
