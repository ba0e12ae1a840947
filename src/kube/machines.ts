/**
 * Magnum's `nodes_to_remove` on resize: Cluster API deletes machines carrying
 * the delete-machine annotation first when a MachineDeployment scales down,
 * so marking them before helm lowers the replica count removes exactly those
 * nodes. (magnum-capi-helm ignores the list and lets CAPI pick.)
 */
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { InvalidInput } from '../errors.js';
import { sanitise } from '../magnum/names.js';
import { FIELD_MANAGER, type KubeClients } from './client.js';
import { managementError } from './errors.js';

export const DELETE_MACHINE_ANNOTATION = 'cluster.x-k8s.io/delete-machine';

export interface MachineLike extends KubernetesObject {
  spec?: { providerID?: string; infrastructureRef?: { name?: string } };
  status?: { nodeRef?: { name?: string } };
}

/** The names a Magnum user may use for a node: server uuid, server or node name, machine name. */
export function machineAliases(m: MachineLike): string[] {
  const aliases = [m.metadata?.name, m.status?.nodeRef?.name, m.spec?.infrastructureRef?.name];
  const provider = m.spec?.providerID;
  if (provider) aliases.push(provider, provider.split('/').pop());
  return aliases.filter((a): a is string => typeof a === 'string' && a !== '');
}

/** Pure: which machines the nodes name; throws naming the first node that matches none. */
export function selectMachines(machines: MachineLike[], nodes: string[]): MachineLike[] {
  const chosen = new Set<MachineLike>();
  for (const node of nodes) {
    const m = machines.find((x) => machineAliases(x).includes(node));
    if (!m) throw new InvalidInput(`nodes_to_remove: no machine of this node group is named ${JSON.stringify(node)}`, 'body.nodes_to_remove');
    chosen.add(m);
  }
  return [...chosen];
}

export async function markMachinesForRemoval(
  k: KubeClients,
  ref: { namespace: string; release: string },
  nodegroup: string,
  nodes: string[],
  capiVersion: 'v1beta1' | 'v1beta2' = 'v1beta1',
): Promise<number> {
  const apiVersion = `cluster.x-k8s.io/${capiVersion}`;
  const selector = [
    `capi.stackhpc.com/cluster=${ref.release}`,
    'capi.stackhpc.com/component=worker',
    `capi.stackhpc.com/node-group=${sanitise(nodegroup)}`,
  ].join(',');
  let machines: MachineLike[];
  try {
    const list = await k.objects.list<MachineLike>(apiVersion, 'Machine', ref.namespace, undefined, undefined, undefined, undefined, selector);
    machines = list.items;
  } catch (err) {
    throw managementError(err, `list machines of ${ref.namespace}/${ref.release} node group ${nodegroup}`);
  }
  const chosen = selectMachines(machines, nodes);
  for (const m of chosen) {
    const patch = {
      apiVersion,
      kind: 'Machine',
      metadata: { name: m.metadata!.name!, namespace: ref.namespace, annotations: { [DELETE_MACHINE_ANNOTATION]: 'yes' } },
    };
    try {
      await k.objects.patch(patch, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
    } catch (err) {
      throw managementError(err, `mark machine ${ref.namespace}/${m.metadata?.name} for removal`);
    }
  }
  return chosen.length;
}
