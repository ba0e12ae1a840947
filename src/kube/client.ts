/** The management cluster's API clients, built once from the configured kubeconfig. */
import { CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { ConfigError } from '../config.js';

export interface KubeClients {
  config: KubeConfig;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
}

export function kubeClients(kubeconfigPath: string): KubeClients {
  const config = new KubeConfig();
  try {
    if (kubeconfigPath === IN_CLUSTER) config.loadFromCluster();
    else config.loadFromFile(kubeconfigPath);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError([`kubeconfig: cannot load ${kubeconfigPath}: ${e.code ?? e.message?.split('\n')[0] ?? String(err)}`]);
  }
  if (!config.getCurrentCluster()) throw new ConfigError([`kubeconfig: ${kubeconfigPath} names no current cluster`]);
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    objects: KubernetesObjectApi.makeApiClient(config),
  };
}

/** The `kubeconfig` value that means: the pod's service account, when running inside the management cluster. */
export const IN_CLUSTER = 'in-cluster';

/** Owner of the fields we set by server-side apply, as `kubectl` shows it. */
export const FIELD_MANAGER = 'magnum-capi-sidecar';
