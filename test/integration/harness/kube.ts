/**
 * Playing the Cluster API controllers, as envtest-based suites do: tests
 * write `.status` through the status subresource of the real API server.
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { LOCAL_KINDS, type LocalKind } from '../../../src/devcluster/kinds.js';

export const HELM_BINARIES = [
  ['helm 3', '.tools/helm3/helm'],
  ['helm 4', '.tools/helm4/helm'],
] as const;

export type KubeKind = LocalKind;

export function kube(kubeconfig: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const kinds = LOCAL_KINDS;
  type Kind = KubeKind;
  return {
    kc,
    core,
    custom,
    async get(kind: Kind, namespace: string, name: string): Promise<Record<string, any> | null> {
      try {
        return (await custom.getNamespacedCustomObject({ ...kinds[kind], namespace, name })) as Record<string, any>;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return null;
        throw err;
      }
    },
    async list(kind: Kind, namespace: string): Promise<Record<string, any>[]> {
      const res = (await custom.listNamespacedCustomObject({ ...kinds[kind], namespace })) as { items: Record<string, any>[] };
      return res.items;
    },
    async create(kind: Kind, namespace: string, body: Record<string, unknown>): Promise<void> {
      await custom.createNamespacedCustomObject({ ...kinds[kind], namespace, body });
    },
    async remove(kind: Kind, namespace: string, name: string): Promise<void> {
      try {
        await custom.deleteNamespacedCustomObject({ ...kinds[kind], namespace, name });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
    },
    /** Replaces `.status` as a controller would. */
    async setStatus(kind: Kind, namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
      const current = (await custom.getNamespacedCustomObject({ ...kinds[kind], namespace, name })) as Record<string, any>;
      await custom.replaceNamespacedCustomObjectStatus({ ...kinds[kind], namespace, name, body: { ...current, status } });
    },
    /** As a controller writes status: for the spec it has seen, so observedGeneration is the object's generation. */
    async setObservedStatus(kind: Kind, namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
      const current = (await custom.getNamespacedCustomObject({ ...kinds[kind], namespace, name })) as Record<string, any>;
      const body = { ...current, status: { ...status, observedGeneration: current.metadata.generation } };
      await custom.replaceNamespacedCustomObjectStatus({ ...kinds[kind], namespace, name, body });
    },
    async patchSpec(kind: Kind, namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
      const current = (await custom.getNamespacedCustomObject({ ...kinds[kind], namespace, name })) as Record<string, any>;
      await custom.replaceNamespacedCustomObject({ ...kinds[kind], namespace, name, body: { ...current, spec: { ...current.spec, ...spec } } });
    },
    async secrets(namespace: string): Promise<{ name: string; labels: Record<string, string>; type?: string }[]> {
      const res = await core.listNamespacedSecret({ namespace });
      return res.items.map((s) => ({ name: s.metadata!.name!, labels: s.metadata?.labels ?? {}, type: s.type }));
    },
  };
}
