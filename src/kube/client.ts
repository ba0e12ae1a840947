/** The management cluster's API clients, built once from the configured kubeconfig. */
import { CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';

export interface KubeClients {
  config: KubeConfig;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
}

export function kubeClients(kubeconfigPath: string): KubeClients {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    objects: KubernetesObjectApi.makeApiClient(config),
  };
}

/** Owner of the fields we set by server-side apply, as `kubectl` shows it. */
export const FIELD_MANAGER = 'magnum-capi-sidecar';
