/**
 * The values magnum-capi-helm 1.4.0 sends to the chart for the representative
 * clusters of the parity test, written by hand from its driver
 * (`_update_helm_release` and the `_get_*` helpers it calls) for the Magnum
 * cluster of `test/fixtures/specs/default.json` with the labels of each case.
 * They are data, not a port of that driver: each case spells out what it
 * sends, so a change in this project's translation cannot move both sides.
 */

import { loadAll } from 'js-yaml';

/** Release and namespace of the default fixture: the Python driver names them the same way. */
export const RELEASE = 'k8s-cluster-abcdefghij23';
export const NAMESPACE = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';

/** A storage class as magnum-capi-helm writes it, with the `[capi_helm_cluster_labels]` CSI defaults unless `site` changes them. */
export const storageClass = (name: string, volumeType: string, site: Record<string, unknown> = {}) => ({
  name,
  reclaimPolicy: 'Retain',
  allowVolumeExpansion: true,
  volumeBindingMode: 'WaitForFirstConsumer',
  availabilityZone: 'nova',
  volumeType,
  // CONF.capi_helm.csi_cinder_allowed_topologies defaults to an empty list.
  allowedTopologies: [],
  fstype: 'ext4',
  enabled: true,
  ...site,
});

/** No labels: every `[capi_helm_cluster_labels]` default, the fixture's image, flavors, networks and volume types. */
export function pythonDefault(): Record<string, unknown> {
  return {
    kubernetesVersion: '1.31.4',
    machineImageId: '6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a',
    machineSSHKeyName: 'default',
    cloudCredentialsSecretName: `${RELEASE}-cloud-credentials`,
    etcd: {},
    apiServer: { associateFloatingIP: true, enableLoadBalancer: true, loadBalancerProvider: 'amphora' },
    clusterNetworking: {
      dnsNameservers: ['8.8.8.8'],
      externalNetworkId: 'c1c1c1c1-0000-4000-8000-000000000001',
      internalNetwork: { networkFilter: null, subnetFilter: null, nodeCidr: '10.0.0.0/24' },
    },
    osDistro: 'ubuntu',
    controlPlane: { machineFlavor: 'm1.medium', machineCount: 1, healthCheck: { enabled: true } },
    nodeGroupDefaults: { healthCheck: { enabled: true } },
    nodeGroups: [{ name: 'default-worker', machineFlavor: 'm1.medium', machineCount: 2 }],
    addons: {
      openstack: {
        // No csi_cinder_default_volume_type configured: the first type Cinder lists is the default.
        csiCinder: { defaultStorageClass: storageClass('default', '__DEFAULT__'), additionalStorageClasses: [storageClass('ssd', 'ssd')] },
        cloudConfig: { LoadBalancer: { 'lb-provider': 'amphora', 'lb-method': 'ROUND_ROBIN', 'create-monitor': true } },
      },
      monitoring: { enabled: false },
      kubernetesDashboard: { enabled: true },
      ingress: { enabled: false },
    },
  };
}

/** The objects of a `helm template` manifest, keyed `Kind/name`, to compare two renders object by object. */
export function manifestObjects(manifest: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const doc of loadAll(manifest) as ({ kind: string; metadata: { name: string } } | null)[]) {
    if (doc) out.set(`${doc.kind}/${doc.metadata.name}`, doc);
  }
  return out;
}
