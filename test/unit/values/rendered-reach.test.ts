/**
 * The issue-16 labels (zones, cluster networks, registries) rendered by the
 * real `openstack-cluster` chart with the real helm 3, on every packaged
 * version: the Cluster API objects carry them where Cluster API, CAPO and
 * kubeadm read them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../src/config.js';
import { derivedName } from '../../../src/magnum/names.js';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { UPSTREAM_REGISTRIES } from '../../../src/values/registries.js';
import { packagedVersions, skipNotice } from '../../support/chart-repo.js';
import { CHARTS, find, groupTemplate, kcpSpec, kctSpec, renderObjects, type K8sObject } from './chart-render.js';
import { fixture } from './helpers.js';

if (!CHARTS) process.stderr.write(`${skipNotice('test/unit/values/rendered-reach.test.ts')}\n`);

const PASSWORD = 'registry-pw-7Hq2';
const CA = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUY2E\n-----END CERTIFICATE-----';
const LABELS = {
  availability_zone: 'az1',
  control_plane_availability_zones: 'az1,az2',
  boot_volume_size: '20',
  boot_volume_availability_zone: 'volumes-az',
  calico_ipv4pool: '10.100.0.0/16',
  service_cluster_ip_range: '10.254.0.0/16',
  dns_cluster_domain: 'k8s.example',
  api_server_cert_sans: 'api.example.com,203.0.113.10',
  container_infra_prefix: 'registry.example.com:5000/mirror',
};

function spec(labels: Record<string, string>): SpecInput {
  const s = fixture('default');
  s.cluster.labels = labels;
  const worker = s.nodegroups![1]!;
  s.nodegroups!.push({ ...worker, uuid: '7a3c0e1b-2d4f-4a6b-8c9d-0e1f2a3b4c5d', name: 'gpu', is_default: false, labels: { availability_zone: 'az-gpu' } });
  return s;
}

let dir: string;
let site: ConfigInput;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rendered-reach-'));
  await writeFile(join(dir, 'password'), PASSWORD);
  site = {
    registryAuth: { 'registry.example.com:5000': { username: 'robot', passwordFile: join(dir, 'password') } },
    trustedCAs: { 'registry-ca': CA },
    insecureRegistries: ['cache.local:8080'],
    registryMirrors: { 'gcr.io': ['http://cache.local:8080/v2/gcr'] },
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type RootVolume = { sizeGiB: number; availabilityZone: { from: string; name?: string } };

describe.skipIf(!CHARTS).each(CHARTS ? packagedVersions(CHARTS) : [])('chart %s renders the issue-16 labels', (version) => {
  const input = spec(LABELS);
  const release = input.cluster.stack_id!;
  let objects: K8sObject[];

  beforeAll(async () => {
    objects = await renderObjects(input, version, site);
  });

  it('OpenStackCluster spreads the control plane over its zones', () => {
    const osc = find(objects, 'OpenStackCluster', release).spec!;
    expect(osc.controlPlaneAvailabilityZones).toEqual(['az1', 'az2']);
    expect(osc.controlPlaneOmitAvailabilityZone).toBeUndefined();
  });

  it("each MachineDeployment gets its failure domain: the group's own, else the cluster's", () => {
    const domain = (group: string) => (find(objects, 'MachineDeployment', derivedName(release, group)).spec as { template: { spec: { failureDomain?: string } } }).template.spec.failureDomain;
    expect(domain('default-worker')).toBe('az1');
    expect(domain('gpu')).toBe('az-gpu');
  });

  it('root volumes of the control plane and every group are made in the boot volume zone', () => {
    for (const group of ['control-plane', 'default-worker', 'gpu']) {
      const rootVolume = (groupTemplate(objects, 'OpenStackMachineTemplate', release, group) as { spec: { rootVolume: RootVolume } }).spec.rootVolume;
      expect(rootVolume).toEqual({ sizeGiB: 20, availabilityZone: { from: 'Name', name: 'volumes-az' } });
    }
  });

  it('Cluster clusterNetwork carries the pod and Service ranges and the DNS domain', () => {
    expect(find(objects, 'Cluster', release).spec!.clusterNetwork).toEqual({
      pods: { cidrBlocks: ['10.100.0.0/16'] },
      services: { cidrBlocks: ['10.254.0.0/16'] },
      serviceDomain: 'k8s.example',
    });
  });

  it("the API server's certificate carries the extra names", () => {
    expect(kcpSpec(objects, release).clusterConfiguration.apiServer.certSANs).toEqual(['api.example.com', '203.0.113.10']);
  });

  it('containerd on every node mirrors each upstream registry through the prefix, and the site mirrors after', () => {
    for (const kcs of [kcpSpec(objects, release), kctSpec(objects, release, 'default-worker'), kctSpec(objects, release, 'gpu')]) {
      const file = (registry: string) => kcs.files.find((f) => f.path === `/etc/containerd/certs.d/${registry}/hosts.toml`)?.content ?? '';
      for (const upstream of UPSTREAM_REGISTRIES) {
        const hosts = file(upstream);
        expect(hosts).toContain(`[host."https://registry.example.com:5000/v2/mirror/${upstream}"]`);
        expect(hosts).toContain('skip_verify = false');
        expect(hosts).toContain('override_path = true');
        // The chart's default mirrors of the registry (quay.io/azimuth) are replaced, not kept beside ours.
        expect(hosts).not.toContain('quay.io/v2/azimuth');
      }
      expect(file('gcr.io')).toContain('[host."http://cache.local:8080/v2/gcr"]');
      expect(file('gcr.io')).toContain('skip_verify = true');
      expect(kcs.files.find((f) => f.path === '/usr/local/share/ca-certificates/registry-ca.crt')?.content?.trim()).toBe(CA);
      expect(kcs.files.find((f) => f.path === '/etc/containerd/conf.d/auth.toml')?.contentFrom).toEqual({ secret: { name: `${release}-containerd-auth`, key: 'auth.toml' } });
    }
  });

  it('the registry credentials are in a Secret of the release, for containerd', () => {
    const auth = find(objects, 'Secret', `${release}-containerd-auth`).stringData!['auth.toml']!;
    expect(auth).toContain('registry.configs."registry.example.com:5000".auth]');
    expect(auth).toContain(`password = "${PASSWORD}"`);
  });
});

describe.skipIf(!CHARTS)('chart 0.27.0 without the labels', () => {
  it('keeps its own defaults: no zones, chart networks, quay.io mirrors, root volumes in the machine zone', async () => {
    const input = spec({ boot_volume_size: '20' });
    const release = input.cluster.stack_id!;
    const objects = await renderObjects(input, '0.27.0');
    expect(find(objects, 'OpenStackCluster', release).spec!.controlPlaneOmitAvailabilityZone).toBe(true);
    expect(find(objects, 'Cluster', release).spec!.clusterNetwork).toEqual({ pods: { cidrBlocks: ['172.16.0.0/13'] }, services: { cidrBlocks: ['172.24.0.0/13'] }, serviceDomain: 'cluster.local' });
    const rootVolume = (groupTemplate(objects, 'OpenStackMachineTemplate', release, 'default-worker') as { spec: { rootVolume: RootVolume } }).spec.rootVolume;
    expect(rootVolume.availabilityZone).toEqual({ from: 'Machine' });
    const hosts = kcpSpec(objects, release).files.find((f) => f.path === '/etc/containerd/certs.d/docker.io/hosts.toml')?.content;
    expect(hosts).toContain('quay.io/v2/azimuth/docker.io');
    // The gpu group's own zone still places it.
    expect((find(objects, 'MachineDeployment', derivedName(release, 'gpu')).spec as { template: { spec: { failureDomain?: string } } }).template.spec.failureDomain).toBe('az-gpu');
  });
});
