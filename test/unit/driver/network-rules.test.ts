/**
 * A live cluster's pod range, Service range and DNS domain never change: the
 * pure rule, and the driver asking the live Cluster before any write (the
 * real planner over fake ports; integration/network-change.test.ts runs it
 * against the real API server).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { checkNetworkChange, plannedNetwork } from '../../../src/driver/network-rules.js';
import { createDriver } from '../../../src/driver/operations.js';
import type { ClusterNetwork } from '../../../src/driver/ports.js';
import { NotSupported } from '../../../src/errors.js';
import { Spec } from '../../../src/magnum/spec.js';
import { createPlanner } from '../../../src/planner.js';
import { minimalSpec } from '../../support/spec.js';
import { fakePorts } from './fakes.js';

const DEFAULTS: ClusterNetwork = { pods: ['172.16.0.0/13'], services: ['172.24.0.0/13'], serviceDomain: 'cluster.local' };
const net = (pods?: string, services?: string, serviceDomain?: string, cni?: string) => ({
  kubeNetwork: { ...(pods ? { pods: { cidrBlocks: [pods] } } : {}), ...(services ? { services: { cidrBlocks: [services] } } : {}), ...(serviceDomain ? { serviceDomain } : {}) },
  ...(cni ? { addons: { cni: { type: cni } } } : {}),
});

describe('checkNetworkChange', () => {
  it.each<[string, ClusterNetwork | null, Record<string, unknown>]>([
    ['no Cluster yet', null, net('10.100.0.0/16')],
    ['the chart defaults kept', DEFAULTS, {}],
    ['the same ranges named', { pods: ['10.100.0.0/16'], services: ['10.254.0.0/16'], serviceDomain: 'k8s.local' }, net('10.100.0.0/16', '10.254.0.0/16', 'k8s.local')],
    ['a Cluster that holds no network', {}, net('10.100.0.0/16')],
  ])('passes: %s', (_name, live, values) => {
    expect(() => checkNetworkChange(live, values)).not.toThrow();
  });

  it.each<[string, ClusterNetwork, Record<string, unknown>, string, string]>([
    ['a new calico pool', DEFAULTS, net('10.100.0.0/16'), 'The pod network of a live cluster cannot change: it has 172.16.0.0/13, this call asks for 10.100.0.0/16', 'labels.calico_ipv4pool'],
    ['a new cilium pool', DEFAULTS, net('10.100.0.0/16', undefined, undefined, 'cilium'), 'The pod network of a live cluster cannot change: it has 172.16.0.0/13, this call asks for 10.100.0.0/16', 'labels.cilium_ipv4pool'],
    ['the pool label removed', { ...DEFAULTS, pods: ['10.100.0.0/16'] }, {}, 'The pod network of a live cluster cannot change: it has 10.100.0.0/16, this call asks for 172.16.0.0/13', 'labels.calico_ipv4pool'],
    ['a new Service range', DEFAULTS, net(undefined, '10.254.0.0/16'), 'The Service network of a live cluster cannot change: it has 172.24.0.0/13, this call asks for 10.254.0.0/16', 'labels.service_cluster_ip_range'],
    ['a new DNS domain', DEFAULTS, net(undefined, undefined, 'k8s.local'), 'The cluster DNS domain of a live cluster cannot change: it has cluster.local, this call asks for k8s.local', 'labels.dns_cluster_domain'],
  ])('refuses %s with NotSupported naming the label', (_name, live, values, message, field) => {
    let caught: unknown;
    try {
      checkNetworkChange(live, values);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(NotSupported);
    expect((caught as NotSupported).message).toBe(message);
    expect((caught as NotSupported).field).toBe(field);
  });

  it('fills what the values leave out with the chart defaults', () => {
    expect(plannedNetwork(net(undefined, '10.254.0.0/16'))).toEqual({ ...DEFAULTS, services: ['10.254.0.0/16'] });
  });
});

describe('the driver reads the live Cluster before any write', () => {
  async function setup(live: ClusterNetwork | null) {
    const ports = fakePorts();
    const reads: string[] = [];
    const planner = await createPlanner(parseConfig({}));
    const driver = createDriver({
      config: parseConfig({}),
      ...ports,
      planner,
      liveNetwork: {
        read: async (ref) => {
          reads.push(`${ref.namespace}/${ref.release}`);
          return live;
        },
      },
    });
    return { driver, reads, events: ports.events };
  }
  const existing = (labels: Record<string, string>) => {
    const base = minimalSpec();
    return Spec.parse({ ...base, cluster: { ...base.cluster, stack_id: 'k8s-cluster-abcdefghijkl', status: 'UPDATE_IN_PROGRESS', labels } });
  };

  it.each<[string, (d: Awaited<ReturnType<typeof setup>>['driver'], s: Spec) => Promise<unknown>]>([
    ['update', (d, s) => d.updateCluster(s)],
    ['resize', (d, s) => d.resizeCluster({ spec: s, node_count: 3, nodes_to_remove: [], nodegroup: 'default-worker' })],
    ['upgrade', (d, s) => d.upgradeCluster({ spec: s })],
    ['node group update', (d, s) => d.updateNodeGroup(s, 'default-worker')],
  ])('%s with a new pod range is refused and nothing is written', async (_name, call) => {
    const { driver, reads, events } = await setup(DEFAULTS);
    await expect(call(driver, existing({ calico_ipv4pool: '10.100.0.0/16' }))).rejects.toThrow('The pod network of a live cluster cannot change');
    expect(reads).toEqual(['magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b/k8s-cluster-abcdefghijkl']);
    expect(events.filter((e) => e.startsWith('helm apply') || e.startsWith('secrets') || e.startsWith('namespace'))).toEqual([]);
  });

  it.each<Record<string, string>>([
    { container_infra_prefix: 'http://registry.local/mirror' },
    { availability_zone: '{{ x }}' },
    { calico_ipv4pool: '10.0.0.0/16', service_cluster_ip_range: '10.0.0.0/20' },
    { api_server_cert_sans: 'a b' },
  ])('a malformed or conflicting %j is a 422 before anything is read or written', async (labels) => {
    const { driver, reads, events } = await setup(DEFAULTS);
    const refused: unknown = await driver.updateCluster(existing(labels)).catch((err: unknown) => err);
    expect((refused as { statusCode?: number }).statusCode).toBe(422);
    expect(reads).toEqual([]);
    expect(events.filter((e) => !e.startsWith('lease'))).toEqual([]);
  });

  it('an update that keeps the ranges goes on to helm', async () => {
    const { driver, events } = await setup({ ...DEFAULTS, pods: ['10.100.0.0/16'] });
    await driver.updateCluster(existing({ calico_ipv4pool: '10.100.0.0/16' }));
    expect(events).toContain('helm apply k8s-cluster-abcdefghijkl');
  });
});
