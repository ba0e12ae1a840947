/**
 * Fresh reads (never the cache) of everything a release left on the
 * management cluster: a label-selected list per Cluster API and addon kind
 * across all namespaces, so a changed namespace prefix or a moved object
 * cannot hide one, and deletion of the objects left without an owner.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { RemainingObject } from '../status/deletion.js';
import { LABEL } from '../status/vocabulary.js';
import { describeError, isNotFound, managementError } from './errors.js';

interface RemainsKind {
  kind: string;
  group: string;
  version: string;
  plural: string;
}

/** Every kind the chart renders or Cluster API creates for a release; all carry `capi.stackhpc.com/cluster=<release>`. */
export function remainsKinds(capiVersion = 'v1beta1'): RemainsKind[] {
  const capi = (kind: string, plural: string, group = 'cluster.x-k8s.io') => ({ kind, group, version: capiVersion, plural });
  const capo = (kind: string, plural: string) => ({ kind, group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural });
  const addon = (kind: string, plural: string) => ({ kind, group: 'addons.stackhpc.com', version: 'v1alpha1', plural });
  return [
    capi('Cluster', 'clusters'),
    capi('KubeadmControlPlane', 'kubeadmcontrolplanes', 'controlplane.cluster.x-k8s.io'),
    capi('MachineDeployment', 'machinedeployments'),
    capi('MachineSet', 'machinesets'),
    capi('Machine', 'machines'),
    capo('OpenStackCluster', 'openstackclusters'),
    capo('OpenStackMachine', 'openstackmachines'),
    addon('HelmRelease', 'helmreleases'),
    addon('Manifests', 'manifests'),
  ];
}

type Listed = { items: { metadata?: { name?: string; namespace?: string; ownerReferences?: unknown[]; deletionTimestamp?: unknown } }[]; metadata?: { continue?: string } };

export interface KubeRemnants {
  /** Every object of the release, and the kinds that could not be listed (404); other failures throw. */
  list(release: string): Promise<{ objects: RemainingObject[]; unreadable: string[] }>;
  /** Deletes the given objects; one already gone is no error. */
  remove(objects: readonly RemainingObject[]): Promise<void>;
}

export function releaseRemnants(config: KubeConfig, capiVersion?: string, onGet?: () => void): KubeRemnants {
  const custom = config.makeApiClient(CustomObjectsApi);
  const kinds = remainsKinds(capiVersion);
  const byKind = new Map(kinds.map((k) => [k.kind, k]));

  async function listKind(kind: RemainsKind, release: string): Promise<RemainingObject[]> {
    const out: RemainingObject[] = [];
    let token: string | undefined;
    do {
      onGet?.();
      const page = (await custom.listClusterCustomObject({
        group: kind.group,
        version: kind.version,
        plural: kind.plural,
        labelSelector: `${LABEL.cluster}=${release}`,
        limit: 500,
        ...(token ? { _continue: token } : {}),
      })) as Listed;
      for (const o of page.items) {
        out.push({
          kind: kind.kind,
          namespace: o.metadata?.namespace ?? '',
          name: o.metadata?.name ?? '',
          owned: (o.metadata?.ownerReferences?.length ?? 0) > 0,
          deleting: Boolean(o.metadata?.deletionTimestamp),
        });
      }
      token = page.metadata?.continue || undefined;
    } while (token);
    return out;
  }

  return {
    async list(release) {
      const objects: RemainingObject[] = [];
      const unreadable: string[] = [];
      for (const kind of kinds) {
        try {
          objects.push(...(await listKind(kind, release)));
        } catch (err) {
          if (isNotFound(err)) unreadable.push(`list ${kind.plural}.${kind.group}/${kind.version}: ${describeError(err)}`);
          else throw managementError(err, `list ${kind.plural} of release ${release}`);
        }
      }
      return { objects, unreadable };
    },
    async remove(objects) {
      for (const o of objects) {
        const kind = byKind.get(o.kind);
        if (!kind) continue;
        try {
          await custom.deleteNamespacedCustomObject({ group: kind.group, version: kind.version, plural: kind.plural, namespace: o.namespace, name: o.name, propagationPolicy: 'Background' });
        } catch (err) {
          if (!isNotFound(err)) throw managementError(err, `delete ${o.kind} ${o.namespace}/${o.name}`);
        }
      }
    },
  };
}
