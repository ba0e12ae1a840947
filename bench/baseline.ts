/**
 * The baseline: per status call, GET what magnum-capi-helm reads (the
 * Cluster, the control plane, each worker MachineDeployment, the addons, and
 * the OpenStackCluster and Machines for reasons), then the same pure mapping.
 */
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Spec } from '../src/magnum/spec.js';
import { computeStatus } from '../src/status/cluster.js';
import type { CapiObject, ClusterObjects } from '../src/status/objects.js';

export function perCallReader(kubeconfig: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const custom = kc.makeApiClient(CustomObjectsApi);
  let requests = 0;
  const get = async (group: string, version: string, plural: string, namespace: string, name: string) => {
    requests++;
    try {
      return (await custom.getNamespacedCustomObject({ group, version, plural, namespace, name })) as CapiObject;
    } catch {
      return undefined;
    }
  };
  const list = async (group: string, version: string, plural: string, namespace: string, labelSelector: string) => {
    requests++;
    return ((await custom.listNamespacedCustomObject({ group, version, plural, namespace, labelSelector })) as { items: CapiObject[] }).items;
  };
  return {
    requests: () => requests,
    async status(spec: Spec, namespace: string, release: string) {
      const workers = spec.nodegroups.filter((g) => g.role !== 'master');
      const objects: ClusterObjects = {
        cluster: await get('cluster.x-k8s.io', 'v1beta1', 'clusters', namespace, release),
        openstackCluster: await get('infrastructure.cluster.x-k8s.io', 'v1beta1', 'openstackclusters', namespace, release),
        controlPlane: await get('controlplane.cluster.x-k8s.io', 'v1beta1', 'kubeadmcontrolplanes', namespace, `${release}-control-plane`),
        machineDeployments: (await Promise.all(workers.map((g) => get('cluster.x-k8s.io', 'v1beta1', 'machinedeployments', namespace, `${release}-${g.name}`)))).filter((x): x is CapiObject => !!x),
        machines: await list('cluster.x-k8s.io', 'v1beta1', 'machines', namespace, `capi.stackhpc.com/cluster=${release}`),
        addons: [
          ...(await list('addons.stackhpc.com', 'v1alpha1', 'helmreleases', namespace, `addons.stackhpc.com/cluster=${release}`)),
          ...(await list('addons.stackhpc.com', 'v1alpha1', 'manifests', namespace, `addons.stackhpc.com/cluster=${release}`)),
        ],
      };
      return computeStatus({ spec, release, objects, now: new Date(), absenceConfirmed: false, options: { addonUnknownGraceSeconds: 600, defaultCreateTimeoutMinutes: 60 } });
    },
  };
}
