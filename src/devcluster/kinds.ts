/** The Cluster API, CAPO and addon kinds the local cluster's player and the test harness read and write, at the versions the chart renders. */
export const LOCAL_KINDS = {
  Cluster: { group: 'cluster.x-k8s.io', version: 'v1beta1', plural: 'clusters' },
  MachineDeployment: { group: 'cluster.x-k8s.io', version: 'v1beta1', plural: 'machinedeployments' },
  Machine: { group: 'cluster.x-k8s.io', version: 'v1beta1', plural: 'machines' },
  KubeadmConfig: { group: 'bootstrap.cluster.x-k8s.io', version: 'v1beta1', plural: 'kubeadmconfigs' },
  KubeadmConfigTemplate: { group: 'bootstrap.cluster.x-k8s.io', version: 'v1beta1', plural: 'kubeadmconfigtemplates' },
  KubeadmControlPlane: { group: 'controlplane.cluster.x-k8s.io', version: 'v1beta1', plural: 'kubeadmcontrolplanes' },
  OpenStackCluster: { group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackclusters' },
  OpenStackMachine: { group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackmachines' },
  OpenStackMachineTemplate: { group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta1', plural: 'openstackmachinetemplates' },
  HelmRelease: { group: 'addons.stackhpc.com', version: 'v1alpha1', plural: 'helmreleases' },
  Manifests: { group: 'addons.stackhpc.com', version: 'v1alpha1', plural: 'manifests' },
} as const;

export type LocalKind = keyof typeof LOCAL_KINDS;
