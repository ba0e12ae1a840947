/**
 * The labels of issue 16 that say where nodes go and what they reach:
 * availability zones, the cluster's own networks and private registries. Each
 * row runs the five cases of labels.test.ts (default, template, cluster over
 * template, site default, malformed → 422 naming the label).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config.js';
import { InvalidLabel, MagnumRuleViolation } from '../../../src/errors.js';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { UPSTREAM_REGISTRIES, withoutRegistryPasswords } from '../../../src/values/registries.js';
import { checkLabelDefaults } from '../../../src/values/site-check.js';
import { at, describeLabelRows, render, specWith, type LabelRow } from './helpers.js';

const ZONE = 'an availability zone name (letters, digits, spaces and . _ / -; not a number, boolean or null)';
const ZONES = 'a comma-separated list of availability zone names';
const POOL = 'an IPv4 network such as 10.100.0.0/16 (host bits zero, prefix at most /24)';
const SERVICES = 'an IPv4 network such as 10.254.0.0/16 (host bits zero, prefix at least /12)';
const PREFIX = 'a registry host with an optional path, such as registry.example.com:5000/mirror';
const SANS = 'api_server_cert_sans';

const cilium = (s: SpecInput) => {
  s.cluster_template.network_driver = 'cilium';
};

/** What container_infra_prefix renders: one mirror per upstream registry, under `<base>/<upstream>`. */
const mirrorsAt = (base: string) => Object.fromEntries(UPSTREAM_REGISTRIES.map((u) => [u, { mirrors: [{ url: `${base}/${u}`, overridePath: true }] }]));

const rows: LabelRow[] = [
  // Placement.
  { label: 'availability_zone', path: 'nodeGroupDefaults.failureDomain', default: undefined, template: ['az1', 'az1'], cluster: ['zone 2', 'zone 2'], malformed: ['{{ 7 * 7 }}', ZONE] },
  { label: 'availability_zone', path: 'controlPlane.failureDomains', default: undefined, template: ['az1', ['az1']], cluster: ['az2', ['az2']] },
  { label: 'availability_zone', path: 'controlPlane.omitFailureDomain', default: undefined, template: ['az1', false], cluster: ['az2', false] },
  { label: 'control_plane_availability_zones', path: 'controlPlane.failureDomains', default: undefined, template: ['az1', ['az1']], cluster: ['az1, az2,az3,az1', ['az1', 'az2', 'az3']], malformed: ['az1,{{x}}', `${ZONES}; "{{x}}" is not one`] },
  { label: 'control_plane_availability_zones', path: 'controlPlane.omitFailureDomain', default: undefined, template: ['az1', false], cluster: ['az1,az2', false], malformed: [',', ZONES] },
  { label: 'control_plane_availability_zones', path: 'nodeGroupDefaults.failureDomain', default: undefined, template: ['az1', undefined], cluster: ['az1,az2', undefined] },
  { label: 'boot_volume_availability_zone', path: 'controlPlane.machineRootVolume.availabilityZone', default: undefined, template: ['volumes-1', 'volumes-1'], cluster: ['nova', 'nova'], malformed: ['yes', ZONE] },
  { label: 'boot_volume_availability_zone', path: 'nodeGroupDefaults.machineRootVolume.availabilityZone', default: undefined, template: ['volumes-1', 'volumes-1'], cluster: ['nova', 'nova'], malformed: ['a: b', ZONE] },
  // Cluster networks.
  { label: 'calico_ipv4pool', path: 'kubeNetwork.pods.cidrBlocks', default: undefined, template: ['10.100.0.0/16', ['10.100.0.0/16']], cluster: ['192.168.0.0/16', ['192.168.0.0/16']], malformed: ['10.100.0.1/16', POOL] },
  { label: 'calico_ipv4pool', path: 'kubeNetwork.pods.cidrBlocks', needs: { fixed_subnet_cidr: '10.0.0.0/24' }, default: undefined, template: ['10.100.0.0/16', ['10.100.0.0/16']], cluster: ['10.1.0.0/16', ['10.1.0.0/16']], malformed: ['10.100.0.0/25', POOL] },
  { label: 'cilium_ipv4pool', path: 'kubeNetwork.pods.cidrBlocks', change: cilium, default: undefined, template: ['10.100.0.0/16', ['10.100.0.0/16']], cluster: ['192.168.0.0/16', ['192.168.0.0/16']], malformed: ['fd00::/64', POOL] },
  { label: 'cilium_ipv4pool', path: 'kubeNetwork.pods', default: undefined, template: ['10.100.0.0/16', undefined], cluster: ['192.168.0.0/16', undefined], malformed: ['10.100.0.0', POOL] },
  { label: 'service_cluster_ip_range', path: 'kubeNetwork.services.cidrBlocks', default: undefined, template: ['10.254.0.0/16', ['10.254.0.0/16']], cluster: ['10.96.0.0/12', ['10.96.0.0/12']], malformed: ['10.0.0.0/8', SERVICES] },
  { label: 'dns_cluster_domain', path: 'kubeNetwork.serviceDomain', default: undefined, template: ['cluster.example', 'cluster.example'], cluster: ['k8s.internal', 'k8s.internal'], malformed: ['Cluster_Local', 'a DNS domain such as cluster.local (lower-case letters, digits, - and .)'] },
  {
    label: SANS,
    path: 'controlPlane.kubeadmConfigSpec.clusterConfiguration.apiServer.certSANs',
    default: undefined,
    template: ['api.example.com', ['api.example.com']],
    cluster: ['api.example.com, 203.0.113.10 ,*.k8s.example.com,2001:db8::1,api.example.com', ['api.example.com', '203.0.113.10', '*.k8s.example.com', '2001:db8::1']],
    malformed: ['api.example.com,bad name', 'a comma-separated list of DNS names and IP addresses; "bad name" is neither'],
  },
  // Registries.
  { label: 'container_infra_prefix', path: 'registryMirrors', default: undefined, template: ['registry.example.com', mirrorsAt('https://registry.example.com/v2')], cluster: ['registry.example.com:5000/mirror/', mirrorsAt('https://registry.example.com:5000/v2/mirror')], malformed: ['registry.example.com/Mirror', PREFIX] },
  { label: 'container_infra_prefix', path: 'registryMirrors', default: undefined, template: ['10.0.0.5:5000/a/b-c', mirrorsAt('https://10.0.0.5:5000/v2/a/b-c')], cluster: ['https://[2001:db8::5]/m', mirrorsAt('https://[2001:db8::5]/v2/m')], malformed: ['registry.example.com/"x"', PREFIX] },
];

describeLabelRows(rows);

function labelled(template: Record<string, string>, change: (s: SpecInput) => void = () => {}) {
  return specWith((s) => {
    change(s);
    s.cluster_template.labels = template;
  });
}

function refusal(run: () => unknown): { message: string; field: string | undefined; statusCode: number } {
  try {
    run();
  } catch (err) {
    const e = err as MagnumRuleViolation;
    return { message: e.message, field: e.field, statusCode: e.statusCode };
  }
  throw new Error('expected a refusal');
}

describe('availability zones', () => {
  const withGroupZone = (zone: string) => (s: SpecInput) => {
    s.nodegroups!.push({ ...s.nodegroups![1]!, uuid: '7a3c0e1b-2d4f-4a6b-8c9d-0e1f2a3b4c5d', name: 'gpu', is_default: false, labels: { availability_zone: zone } });
  };

  it("a node group's own label places that group; the others follow the cluster's", () => {
    const v = render(labelled({ availability_zone: 'az1' }, withGroupZone('az-gpu')));
    expect(at(v, 'nodeGroups')).toMatchObject([{ name: 'default-worker' }, { name: 'gpu', failureDomain: 'az-gpu' }]);
    expect(at(v, 'nodeGroups.0.failureDomain')).toBeUndefined();
    expect(at(v, 'nodeGroupDefaults.failureDomain')).toBe('az1');
  });

  it("a node group's label places it without any cluster zone, and leaves the control plane alone", () => {
    const v = render(labelled({}, withGroupZone('az-gpu')));
    expect(at(v, 'nodeGroups.1.failureDomain')).toBe('az-gpu');
    expect(at(v, 'controlPlane.failureDomains')).toBeUndefined();
  });

  it("a malformed node-group zone is a 422 naming the group's label", () => {
    const r = refusal(() => render(labelled({}, withGroupZone('true'))));
    expect(r).toEqual({ message: `label availability_zone: expected ${ZONE}, got "true"`, field: 'nodegroups.2.labels.availability_zone', statusCode: 422 });
  });

  it('control_plane_availability_zones wins over availability_zone for the control plane only', () => {
    const v = render(labelled({ availability_zone: 'az1', control_plane_availability_zones: 'az2,az3' }));
    expect(at(v, 'controlPlane')).toMatchObject({ failureDomains: ['az2', 'az3'], omitFailureDomain: false });
    expect(at(v, 'nodeGroupDefaults.failureDomain')).toBe('az1');
  });
});

describe('cluster networks', () => {
  it.each([
    [{ calico_ipv4pool: '10.0.0.0/16', service_cluster_ip_range: '10.0.128.0/17' }, 'labels calico_ipv4pool and service_cluster_ip_range must not overlap: 10.0.0.0/16 and 10.0.128.0/17', 'labels.calico_ipv4pool'],
    [{ calico_ipv4pool: '10.0.0.0/16', fixed_subnet_cidr: '10.0.5.0/24' }, 'labels calico_ipv4pool and fixed_subnet_cidr must not overlap: 10.0.0.0/16 and 10.0.5.0/24', 'labels.calico_ipv4pool'],
    [{ service_cluster_ip_range: '10.0.0.0/16' }, 'labels service_cluster_ip_range and fixed_subnet_cidr (default 10.0.0.0/24) must not overlap: 10.0.0.0/16 and 10.0.0.0/24', 'labels.service_cluster_ip_range'],
    [{ service_cluster_ip_range: '172.20.0.0/16' }, 'labels calico_ipv4pool (default 172.16.0.0/13) and service_cluster_ip_range must not overlap: 172.16.0.0/13 and 172.20.0.0/16', 'labels.service_cluster_ip_range'],
  ])('%j is a 422 naming both', (labels, message, field) => {
    expect(refusal(() => render(labelled(labels)))).toEqual({ message, field, statusCode: 422 });
  });

  it('judges the pool of the CNI the cluster runs', () => {
    const labels = { cilium_ipv4pool: '10.0.0.0/16', service_cluster_ip_range: '10.0.0.0/16' };
    expect(refusal(() => render(labelled(labels, cilium))).message).toContain('labels cilium_ipv4pool and service_cluster_ip_range must not overlap');
    // Under calico the cilium pool is not used, so only the (default) calico pool meets the Service range.
    expect(refusal(() => render(labelled(labels))).message).toContain('labels service_cluster_ip_range and fixed_subnet_cidr (default 10.0.0.0/24) must not overlap');
  });

  it('leaves the node range out when the cluster uses a fixed network (its subnet is Neutron’s)', () => {
    const v = render(labelled({ calico_ipv4pool: '10.0.0.0/16' }, (s) => {
      s.resolved.fixed_network_id = '3c1f9c1e-59d4-4a4e-8d52-6c1f0b7d2e90';
    }));
    expect(at(v, 'kubeNetwork.pods.cidrBlocks')).toEqual(['10.0.0.0/16']);
  });

  it('keeps clusters made before these labels: a node range inside the default pod range is not judged', () => {
    expect(at(render(labelled({ fixed_subnet_cidr: '172.16.0.0/20' })), 'kubeNetwork')).toBeUndefined();
  });

  it.each(['10.96.0.0/12', '10.96.0.0/28'])('accepts a Service range %s within what kube-apiserver takes', (range) => {
    expect(at(render(labelled({ service_cluster_ip_range: range })), 'kubeNetwork.services.cidrBlocks')).toEqual([range]);
  });
});

describe('private registries', () => {
  const site = (extra: Record<string, unknown>) => ({ labelDefaults: {}, ...extra });

  it('site mirrors follow the label’s, and registries only the site names are added', () => {
    const v = render(labelled({ container_infra_prefix: 'mirror.example.com' }), site({ registryMirrors: { 'docker.io': ['https://cache.example.com/v2/dockerhub'], 'gcr.io': [{ url: 'https://cache.example.com/v2/gcr', capabilities: ['pull'] }] } }));
    const mirrors = at(v, 'registryMirrors') as Record<string, { mirrors: unknown[] }>;
    expect(mirrors['docker.io']!.mirrors).toEqual([{ url: 'https://mirror.example.com/v2/docker.io', overridePath: true }, { url: 'https://cache.example.com/v2/dockerhub' }]);
    expect(mirrors['gcr.io']!.mirrors).toEqual([{ url: 'https://cache.example.com/v2/gcr', capabilities: ['pull'] }]);
    expect(Object.keys(mirrors).sort()).toEqual([...UPSTREAM_REGISTRIES, 'gcr.io'].sort());
  });

  it('without the label or site mirrors the chart keeps its own', () => {
    expect(at(render(labelled({})), 'registryMirrors')).toBeUndefined();
  });

  it('plain HTTP, or an unverified certificate, only for a registry the site lists as insecure', () => {
    const prefix = 'http://registry.local:5000/mirror';
    expect(refusal(() => render(labelled({ container_infra_prefix: prefix }))).message).toBe(
      `label container_infra_prefix: expected ${PREFIX} served over https (plain HTTP only for a registry the site lists in insecureRegistries), got "${prefix}"`,
    );
    const insecure = render(labelled({ container_infra_prefix: prefix }), site({ insecureRegistries: ['registry.local:5000'] }));
    expect((at(insecure, 'registryMirrors') as Record<string, { mirrors: unknown[] }>)['quay.io']!.mirrors).toEqual([{ url: 'http://registry.local:5000/v2/mirror/quay.io', overridePath: true, skipVerify: true }]);
    const selfSigned = render(labelled({ container_infra_prefix: 'registry.local:5000' }), site({ insecureRegistries: ['registry.local:5000'] }));
    expect((at(selfSigned, 'registryMirrors') as Record<string, { mirrors: unknown[] }>)['nvcr.io']!.mirrors).toEqual([{ url: 'https://registry.local:5000/v2/nvcr.io', overridePath: true, skipVerify: true }]);
  });

  it.each([
    [{ registryMirrors: { 'docker.io': ['http://cache.example.com/v2/hub'] } }, 'registryMirrors.docker.io.0: plain HTTP needs cache.example.com in insecureRegistries'],
    [{ registryMirrors: { 'docker.io': ['https://user:pw@cache.example.com/v2/hub'] } }, 'registryMirrors.docker.io.0'],
    [{ registryMirrors: { 'docker io': ['https://cache.example.com'] } }, 'registryMirrors'],
    [{ registryAuth: { 'registry.example.com': { username: 'a"b', passwordFile: '/p' } } }, 'registryAuth.registry.example.com.username'],
    [{ trustedCAs: { 'My CA': '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' } }, 'trustedCAs'],
    [{ trustedCAs: { 'my-ca': 'not a certificate' } }, 'trustedCAs.my-ca: expected PEM certificates'],
  ])('site setting %j stops start-up naming %s', (settings, field) => {
    expect(() => parseConfig(settings)).toThrow(ConfigError);
    expect(() => parseConfig(settings)).toThrow(field);
  });

  it('an insecure site mirror is marked skipVerify; a secure one is not', () => {
    const v = render(labelled({}), site({ insecureRegistries: ['cache.local:8080'], registryMirrors: { 'quay.io': ['http://cache.local:8080/v2/quay', 'https://cache.example.com/v2/quay'] } }));
    expect((at(v, 'registryMirrors') as Record<string, { mirrors: unknown[] }>)['quay.io']!.mirrors).toEqual([
      { url: 'http://cache.local:8080/v2/quay', skipVerify: true },
      { url: 'https://cache.example.com/v2/quay' },
    ]);
  });

  it('trusted CAs reach the values as given', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(at(render(labelled({}), site({ trustedCAs: { 'registry-ca': pem } })), 'trustedCAs')).toEqual({ 'registry-ca': pem });
  });

  it('a dry run shows registry passwords redacted', () => {
    const values = { registryAuth: { 'registry.example.com': { username: 'robot', password: 'hunter2-registry' } }, other: 1 };
    expect(withoutRegistryPasswords(values)).toEqual({ registryAuth: { 'registry.example.com': { username: 'robot', password: '[redacted]' } }, other: 1 });
  });
});

describe('site defaults of these labels are checked at start-up', () => {
  it.each([
    ['availability_zone', 'null'],
    ['control_plane_availability_zones', 'a,{{b}}'],
    ['boot_volume_availability_zone', '1'],
    ['calico_ipv4pool', '10.0.0.0/33'],
    ['service_cluster_ip_range', 'big'],
    ['dns_cluster_domain', 'a..b'],
    ['api_server_cert_sans', 'a b'],
    ['container_infra_prefix', 'ftp://registry'],
  ])('%s=%j stops the service naming the setting', (label, value) => {
    const site = parseConfig({ labelDefaults: { [label]: value } });
    expect(() => checkLabelDefaults(site)).toThrow(`labelDefaults.${label}: label ${label}: expected`);
  });
});

it('InvalidLabel keeps its field naming the cluster labels by default', () => {
  expect(new InvalidLabel('x', 'y', 'z').field).toBe('labels.x');
});
