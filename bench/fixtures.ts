/**
 * One cluster's objects as a management cluster holds them: what the real
 * openstack-cluster chart 0.27.0 renders (monitoring on, a control plane of
 * three, two worker groups of three), the secrets the driver writes, the
 * MachineSets, Machines and OpenStackMachines Cluster API adds per node, and
 * the statuses the controllers write (v1beta1 with CAPI 1.10's v1beta2 block).
 * Rendered once by `helm template`; every other cluster is the same text with
 * another release name.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { loadAll } from 'js-yaml';
import { parseConfig } from '../src/config.js';
import { clusterSecretObjects } from '../src/kube/secrets.js';
import { Spec, type ClusterStatus, type SpecInput } from '../src/magnum/spec.js';
import { createPlanner } from '../src/planner.js';

export const BENCH_PROJECT = 'bench0project';
export const BENCH_NAMESPACE = `magnum-${BENCH_PROJECT}`;
export const IMAGE = '6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a';
export const CHART_VERSION = '0.27.0';
/** The release every template object is rendered for; replaced per cluster. */
const TEMPLATE_RELEASE = 'benchtemplate-abcdefghij23';
const T = '2026-01-01T00:00:00Z';

export const releaseOf = (i: number) => `bench-${String(i).padStart(5, '0')}-abcdefghij23`;
export const uuidOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

export interface BenchObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export function specFor(i: number, status: ClusterStatus = 'CREATE_IN_PROGRESS'): Spec {
  const group = (name: string, role: string, uuid: string, isDefault: boolean) => ({ uuid, name, role, node_count: 3, is_default: isDefault, status, flavor_id: 'm1.medium', labels: {} });
  const input: SpecInput = {
    cluster: {
      uuid: uuidOf(i), name: 'bench', project_id: BENCH_PROJECT, user_id: 'benchuser', stack_id: releaseOf(i), status, labels: { monitoring_enabled: 'true' },
      keypair: 'default', master_flavor_id: 'm1.medium', flavor_id: 'm1.medium', master_count: 3, node_count: 3, create_timeout: 60,
      created_at: '2026-01-01T00:00:00',
    },
    cluster_template: { uuid: 't', name: 'k8s', labels: {}, image_id: IMAGE, external_network_id: 'public', dns_nameserver: '8.8.8.8' },
    nodegroups: [group('default-master', 'master', `m-${i}`, true), group('default-worker', 'worker', `w-${i}`, true), group('second', 'worker', `s-${i}`, false)],
    resolved: {
      image: { id: IMAGE, kube_version: 'v1.31.4', os_distro: 'ubuntu' },
      flavors: { 'm1.medium': { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096 } },
      external_network_id: 'c1c1c1c1-0000-4000-8000-000000000001',
      volume_types: ['__DEFAULT__', 'ssd'],
      auth_url: 'https://keystone.example.test/v3',
    },
    credentials: {
      clouds_yaml: `clouds:\n  openstack:\n    auth:\n      auth_url: https://keystone.example.test/v3\n      application_credential_id: ac-${i}\n      application_credential_secret: bench-secret-${i}\n`,
      cacert: null,
      application_credential_id: `ac-${i}`,
    },
    certificates: Object.fromEntries(['ca', 'etcd', 'proxy', 'sa'].map((n) => [n, { cert: `-----BEGIN CERTIFICATE-----\n${'A'.repeat(1200)}\n-----END CERTIFICATE-----\n`, key: `-----BEGIN RSA PRIVATE KEY-----\n${'B'.repeat(1600)}\n-----END RSA PRIVATE KEY-----\n` }])) as SpecInput['certificates'],
  };
  return Spec.parse(input);
}

const cond = (type: string, extra: Record<string, unknown> = {}) => ({ type, status: 'True', lastTransitionTime: T, ...extra });
const v2 = (...types: string[]) => ({ v1beta2: { conditions: types.map((t) => cond(t, { message: '', reason: t === 'Deleting' || t === 'Paused' ? `Not${t}` : t, observedGeneration: 1, ...(t === 'Deleting' || t === 'Paused' ? { status: 'False' } : {}) })) } });

/** The statuses the controllers write once everything is up. */
function statusOf(o: BenchObject, release: string): Record<string, unknown> | undefined {
  const replicas = Number(o.spec?.replicas ?? 3);
  const counts = { replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, unavailableReplicas: 0, observedGeneration: 1 };
  switch (o.kind) {
    case 'Cluster':
      return { phase: 'Provisioned', infrastructureReady: true, controlPlaneReady: true, observedGeneration: 1, conditions: ['Ready', 'ControlPlaneInitialized', 'ControlPlaneReady', 'InfrastructureReady'].map((t) => cond(t)), ...v2('Available', 'InfrastructureReady', 'ControlPlaneInitialized', 'ControlPlaneAvailable', 'WorkersAvailable', 'RemoteConnectionProbe', 'Deleting', 'Paused') };
    case 'OpenStackCluster':
      return {
        ready: true,
        network: { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: `k8s-clusterapi-cluster-${BENCH_NAMESPACE}-${release}`, tags: [], subnets: [{ id: 'a1b2c3d4-0000-4000-8000-000000000002', name: `k8s-clusterapi-cluster-${BENCH_NAMESPACE}-${release}`, cidr: '10.0.0.0/24', tags: [] }] },
        externalNetwork: { id: 'c1c1c1c1-0000-4000-8000-000000000001', name: 'public', tags: [] },
        router: { id: 'a1b2c3d4-0000-4000-8000-000000000003', name: `k8s-clusterapi-cluster-${BENCH_NAMESPACE}-${release}`, ips: ['203.0.113.20'], tags: [] },
        apiServerLoadBalancer: { id: 'a1b2c3d4-0000-4000-8000-000000000004', name: `k8s-clusterapi-cluster-${BENCH_NAMESPACE}-${release}-kubeapi`, ip: '203.0.113.9', internalIP: '10.0.0.10', allowedCIDRs: [], tags: [], loadBalancerNetwork: { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'net', tags: [] } },
        controlPlaneSecurityGroup: { id: 'a1b2c3d4-0000-4000-8000-000000000005', name: `k8s-cluster-${BENCH_NAMESPACE}-${release}-secgroup-controlplane` },
        workerSecurityGroup: { id: 'a1b2c3d4-0000-4000-8000-000000000006', name: `k8s-cluster-${BENCH_NAMESPACE}-${release}-secgroup-worker` },
        failureDomains: { nova: { controlPlane: true } },
        conditions: ['Ready', 'APIEndpointReady', 'NetworkReady', 'SecurityGroupsReady'].map((t) => cond(t)),
      };
    case 'KubeadmControlPlane':
      return { ...counts, selector: `cluster.x-k8s.io/cluster-name=${release},cluster.x-k8s.io/control-plane`, initialized: true, ready: true, version: 'v1.31.4', conditions: ['Ready', 'Available', 'CertificatesAvailable', 'ControlPlaneComponentsHealthy', 'EtcdClusterHealthy', 'MachinesCreated', 'MachinesReady', 'MachinesSpecUpToDate', 'Resized'].map((t) => cond(t)), ...v2('Available', 'CertificatesAvailable', 'Initialized', 'EtcdClusterHealthy', 'ControlPlaneComponentsHealthy', 'MachinesReady', 'MachinesUpToDate', 'RollingOut', 'ScalingUp', 'ScalingDown', 'Remediating', 'Deleting', 'Paused') };
    case 'MachineDeployment':
    case 'MachineSet':
      return { ...counts, selector: `cluster.x-k8s.io/cluster-name=${release},cluster.x-k8s.io/deployment-name=${o.metadata.name}`, fullyLabeledReplicas: replicas, ...(o.kind === 'MachineDeployment' ? { phase: 'Running' } : {}), conditions: ['Ready', 'Available', 'MachinesCreated', 'MachinesReady', 'Resized'].map((t) => cond(t)), ...v2('Available', 'MachinesReady', 'MachinesUpToDate', 'ScalingUp', 'ScalingDown', 'Remediating', 'Deleting', 'Paused') };
    case 'Machine':
      return {
        phase: 'Running', bootstrapReady: true, infrastructureReady: true, observedGeneration: 1, lastUpdated: T, certificatesExpiryDate: '2027-01-01T00:00:00Z',
        addresses: [{ type: 'InternalIP', address: '10.0.0.42' }, { type: 'Hostname', address: o.metadata.name }, { type: 'InternalDNS', address: o.metadata.name }],
        nodeRef: { apiVersion: 'v1', kind: 'Node', name: o.metadata.name, uid: '1b2c3d4e-0000-4000-8000-000000000042' },
        nodeInfo: { architecture: 'amd64', bootID: '0f0e0d0c-0000-4000-8000-000000000001', containerRuntimeVersion: 'containerd://1.7.24', kernelVersion: '5.15.0-130-generic', kubeProxyVersion: 'v1.31.4', kubeletVersion: 'v1.31.4', machineID: '0123456789abcdef0123456789abcdef', operatingSystem: 'linux', osImage: 'Ubuntu 22.04.5 LTS', systemUUID: '0a0b0c0d-0000-4000-8000-000000000001' },
        conditions: ['Ready', 'BootstrapReady', 'HealthCheckSucceeded', 'InfrastructureReady', 'NodeHealthy', 'OwnerRemediated'].map((t) => cond(t)),
        ...v2('Available', 'Ready', 'UpToDate', 'BootstrapConfigReady', 'InfrastructureReady', 'NodeHealthy', 'NodeReady', 'HealthCheckSucceeded', 'Deleting', 'Paused'),
      };
    case 'OpenStackMachine':
      return {
        ready: true, instanceID: '9e8d7c6b-0000-4000-8000-000000000042', instanceState: 'ACTIVE',
        addresses: [{ type: 'InternalIP', address: '10.0.0.42' }],
        resolved: { server: { name: o.metadata.name, imageID: IMAGE, flavorID: '3', ports: [{ networkID: 'a1b2c3d4-0000-4000-8000-000000000001', fixedIPs: [{ subnet: 'a1b2c3d4-0000-4000-8000-000000000002' }], securityGroups: ['a1b2c3d4-0000-4000-8000-000000000006'], tags: [] }] } },
        resources: { ports: [{ id: '7a6b5c4d-0000-4000-8000-000000000042' }] },
        conditions: ['Ready', 'InstanceReady'].map((t) => cond(t)),
      };
    case 'HelmRelease':
    case 'Manifests':
      return { phase: 'Deployed', revision: 1, resources: Array.from({ length: 12 }, (_, n) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: `${o.metadata.name}-resource-${n}`, namespace: 'monitoring-system' })) };
    default:
      return undefined;
  }
}

/** The objects Cluster API creates for one MachineDeployment or control plane: MachineSet, Machines, OpenStackMachines. */
function nodesOf(owner: BenchObject, release: string, replicas: number): BenchObject[] {
  const group = owner.metadata.labels?.['capi.stackhpc.com/node-group'];
  const isCp = owner.kind === 'KubeadmControlPlane';
  const out: BenchObject[] = [];
  const setName = `${owner.metadata.name}-7f9c8d6b5x`;
  const templateLabels = ((owner.spec?.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels ?? (owner.spec?.machineTemplate as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels) ?? {};
  if (!isCp) {
    out.push({
      apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'MachineSet',
      metadata: { name: setName, labels: { ...templateLabels, 'cluster.x-k8s.io/cluster-name': release, 'cluster.x-k8s.io/deployment-name': owner.metadata.name, 'machine-template-hash': '3395739619' }, annotations: { 'machinedeployment.clusters.x-k8s.io/revision': '1' } },
      spec: { clusterName: release, replicas, selector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': release, 'machine-template-hash': '3395739619' } }, template: owner.spec?.template ?? {} },
    });
  }
  for (let n = 0; n < replicas; n++) {
    const name = `${isCp ? `${release}-control-plane` : setName}-${'abcdefghijk'.slice(n, n + 5)}`;
    const labels: Record<string, string> = { ...templateLabels, 'cluster.x-k8s.io/cluster-name': release, ...(isCp ? { 'cluster.x-k8s.io/control-plane': '', 'cluster.x-k8s.io/control-plane-name': owner.metadata.name } : { 'cluster.x-k8s.io/deployment-name': owner.metadata.name, 'cluster.x-k8s.io/set-name': setName, 'machine-template-hash': '3395739619' }) };
    out.push({
      apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Machine',
      metadata: { name, labels, annotations: isCp ? { 'controlplane.cluster.x-k8s.io/kubeadm-cluster-configuration': JSON.stringify({ etcd: { local: { dataDir: '/var/lib/etcd' } }, networking: { dnsDomain: 'cluster.local', podSubnet: '172.16.0.0/13', serviceSubnet: '172.24.0.0/13' }, apiServer: { extraArgs: { 'cloud-provider': 'external' } } }) } : {} },
      spec: { clusterName: release, version: 'v1.31.4', failureDomain: 'nova', providerID: `openstack:///9e8d7c6b-0000-4000-8000-0000000000${n}${group ? 1 : 0}`, bootstrap: { configRef: { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1', kind: 'KubeadmConfig', name }, dataSecretName: name }, infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachine', name }, nodeDeletionTimeout: '10s' },
    });
    out.push({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackMachine',
      metadata: { name, labels: { ...labels } },
      spec: { flavor: 'm1.medium', image: { id: IMAGE }, sshKeyName: 'default', providerID: `openstack:///9e8d7c6b-0000-4000-8000-0000000000${n}${group ? 1 : 0}`, ports: [{}], securityGroups: [], identityRef: { cloudName: 'openstack', name: `${release}-cloud-credentials`, region: 'RegionOne' } },
    });
  }
  return out;
}

export interface ClusterTemplate {
  /** Every object of the template cluster, statuses under `status`, in creation order. */
  objects: BenchObject[];
  /** Bytes of JSON per cluster, for the report. */
  bytes: number;
}

/** Renders the template cluster with the real chart, then adds what the driver and Cluster API add. */
export async function renderTemplate(chartsDir: string, helm: string): Promise<ClusterTemplate> {
  const config = parseConfig({ logLevel: 'silent', chart: { repo: '', name: 'openstack-cluster', defaultVersion: CHART_VERSION } });
  const planner = await createPlanner(config);
  const spec = specFor(0);
  const plan = planner.plan({ ...spec, cluster: { ...spec.cluster, stack_id: TEMPLATE_RELEASE } });
  const { stdout } = await execa(helm, ['template', TEMPLATE_RELEASE, join(chartsDir, `openstack-cluster-${CHART_VERSION}.tgz`), '--namespace', BENCH_NAMESPACE, '--values', '-'], { input: JSON.stringify(plan.values) });
  const rendered = (loadAll(stdout) as (BenchObject | null)[]).filter((o): o is BenchObject => o !== null && typeof o === 'object');
  const secrets = clusterSecretObjects({ namespace: BENCH_NAMESPACE, identity: { uuid: 'TEMPLATE-UUID', projectId: BENCH_PROJECT, userId: 'benchuser', release: TEMPLATE_RELEASE }, credentials: spec.credentials, certificates: spec.certificates }) as BenchObject[];
  const nodes = rendered.flatMap((o) => (o.kind === 'KubeadmControlPlane' || o.kind === 'MachineDeployment' ? nodesOf(o, TEMPLATE_RELEASE, Number(o.spec?.replicas ?? 3)) : []));
  const cluster = rendered.find((o) => o.kind === 'Cluster');
  // Cluster API writes the endpoint into the Cluster's spec from the OpenStackCluster's load balancer.
  if (cluster) cluster.spec = { ...cluster.spec, controlPlaneEndpoint: { host: '203.0.113.9', port: 6443 } };
  const objects = [...secrets, ...rendered, ...nodes].map((o) => {
    const status = statusOf(o, TEMPLATE_RELEASE);
    return status ? { ...o, status } : o;
  });
  return { objects, bytes: Buffer.byteLength(JSON.stringify(objects)) };
}

/** Cluster `i`'s objects: the template's text with its release name and uuid. */
export function clusterObjects(template: string, i: number): BenchObject[] {
  return JSON.parse(template.replaceAll(TEMPLATE_RELEASE, releaseOf(i)).replaceAll('TEMPLATE-UUID', uuidOf(i))) as BenchObject[];
}

export function templateText(t: ClusterTemplate): string {
  return JSON.stringify(t.objects);
}
