/**
 * The tests' client of the local management cluster: reads, and the writes a
 * test makes as the providers it plays (CAPO's status, an autoscaler's
 * replicas) or on objects no controller reconciles (paused Clusters).
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { LOCAL_KINDS, type LocalKind } from '../../../src/devcluster/kinds.js';

const HELMS = [
  ['helm 3', '.tools/helm3/helm'],
  ['helm 4', '.tools/helm4/helm'],
] as const;

/**
 * The helms a suite runs under: both, or the one MCS_TEST_HELM names. The status suites on the
 * newest Cluster API line take one (scripts/test-all.mjs): that run is about Cluster API's
 * version, and both helms already run against these controllers on the line every suite uses.
 */
export const HELM_BINARIES = helmsNamed(process.env.MCS_TEST_HELM);

function helmsNamed(label: string | undefined) {
  if (!label) return HELMS;
  const named = HELMS.filter(([l]) => l === label);
  if (named.length === 0) throw new Error(`MCS_TEST_HELM=${label} names no helm; one of: ${HELMS.map(([l]) => l).join(', ')}`);
  return named;
}

export type KubeKind = LocalKind;

/** Merge patches, as controllers write: no resourceVersion, so a real controller's write in between is no conflict. */
export const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

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
    /** Deleted: gone, or held by a real controller's finalizer while it tears down what the object holds. */
    async deleted(kind: Kind, namespace: string, name: string): Promise<boolean> {
      const o = await this.get(kind, namespace, name);
      return o === null || Boolean(o.metadata.deletionTimestamp);
    },
    async list(kind: Kind, namespace: string): Promise<Record<string, any>[]> {
      const res = (await custom.listNamespacedCustomObject({ ...kinds[kind], namespace })) as { items: Record<string, any>[] };
      return res.items;
    },
    /** Every namespace's objects of a kind, optionally only those carrying a label. */
    async listAll(kind: Kind, labelSelector?: string): Promise<Record<string, any>[]> {
      const res = (await custom.listClusterCustomObject({ ...kinds[kind], labelSelector })) as { items: Record<string, any>[] };
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
    /** Writes `.status` as a controller would (fields given replace theirs; lists replace whole). */
    async setStatus(kind: Kind, namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
      await custom.patchNamespacedCustomObjectStatus({ ...kinds[kind], namespace, name, body: { status } }, MERGE);
    },
    async patchSpec(kind: Kind, namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
      await custom.patchNamespacedCustomObject({ ...kinds[kind], namespace, name, body: { spec } }, MERGE);
    },
    async secrets(namespace: string): Promise<{ name: string; labels: Record<string, string>; type?: string }[]> {
      const res = await core.listNamespacedSecret({ namespace });
      return res.items.map((s) => ({ name: s.metadata!.name!, labels: s.metadata?.labels ?? {}, type: s.type }));
    },
  };
}
