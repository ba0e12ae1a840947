/**
 * The chart-version matrix: for every packaged openstack-cluster version, a
 * cluster whose template asks for it (`capi_helm_chart_version`) installs
 * through the sidecar into the real API server, and the objects the chart
 * renders carry what the labels asked for; then a running cluster moves from
 * 0.26.1 to 0.27.0 by an upgrade.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpecInput } from '../../src/magnum/spec.js';
import { packagedVersions, realChartsDir, skipNotice } from '../support/chart-repo.js';
import { HELM_BINARIES, kube } from './harness/kube.js';
import { startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';

const NS = 'magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const REPO = inject('chartRepo');
const CHARTS = realChartsDir();
if (!REPO || !CHARTS) console.warn(skipNotice('test/integration/chart-versions.test.ts (the chart-version matrix)'));
const VERSIONS = CHARTS ? packagedVersions(CHARTS) : [];
const CIDRS = ['192.168.0.0/16', '10.10.0.0/16'];
const AUTOSCALER = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group';
/** A hang guard for the real controllers on a loaded 2-core machine (a MachineSet's preflight retries every 15 s). */
const SLOW = { timeout: 100_000, interval: 300 };

const atLeast = (version: string, minor: number) => Number(version.split('.')[1]) >= minor;

/** Labels whose effect differs by chart version, and a fixed-size group beside the autoscaled default one. */
function matrixSpec(name: string, version: string): SpecInput & { cluster: { uuid: string } } {
  return clusterSpec(name, (s) => {
    s.cluster_template.labels = { capi_helm_chart_version: version };
    s.cluster.labels = { api_master_lb_allowed_cidrs: CIDRS.join(','), auto_scaling_enabled: 'true', min_node_count: '1', max_node_count: '5' };
    s.nodegroups = [...(s.nodegroups ?? []), { uuid: `fixed-${name}`, name: 'fixed-size', role: 'worker', node_count: 1, min_node_count: 1, max_node_count: 1, flavor_id: 'm1.large', labels: {}, is_default: false, status: 'CREATE_IN_PROGRESS' }];
  });
}

describe.skipIf(!REPO || !CHARTS).each(HELM_BINARIES)('chart versions with %s', (label, helm) => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  const tag = label.replace(/\W/g, '');
  let svc: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    svc = await startService(kubeconfig, { helm });
    await svc.waitReady();
  });
  afterAll(() => svc.close());


  it.each(VERSIONS)('%s: installs, and the objects carry what the labels asked for', async (version) => {
    const spec = matrixSpec(`v${version.replace(/\./g, '')}-${tag}`, version);
    const res = await svc.call('POST', '/v1/clusters', spec);
    expect(res.statusCode, res.body).toBe(201);
    const stack = res.json().stack_id as string;

    const cluster = await k.get('Cluster', NS, stack);
    expect(cluster?.metadata.labels['helm.sh/chart']).toBe(`openstack-cluster-${version}`);
    const osc = await k.get('OpenStackCluster', NS, stack);
    expect(osc?.spec.apiServerLoadBalancer).toMatchObject({ enabled: true });
    if (atLeast(version, 24)) {
      expect(osc?.spec.apiServerLoadBalancer.allowedCIDRs).toEqual(CIDRS);
    } else {
      // These charts write `allowedCidrs`, a field the v1beta1 OpenStackCluster does not have:
      // the API server prunes it, so the restriction cannot reach Cluster API with them.
      expect(osc?.spec.apiServerLoadBalancer.allowedCIDRs).toBeUndefined();
      expect(osc?.spec.apiServerLoadBalancer.allowedCidrs).toBeUndefined();
    }

    const autoscaled = await k.get('MachineDeployment', NS, `${stack}-default-worker`);
    expect(autoscaled?.metadata.annotations).toMatchObject({ [`${AUTOSCALER}-min-size`]: '1', [`${AUTOSCALER}-max-size`]: '5' });
    const fixed = await k.get('MachineDeployment', NS, `${stack}-fixed-size`);
    expect(fixed?.spec.replicas).toBe(1);
    expect(fixed?.metadata.annotations?.[`${AUTOSCALER}-min-size`]).toBeUndefined();

    const addons = (await k.list('HelmRelease', NS)).filter((a) => a.spec.clusterName === stack).map((a) => a.metadata.name as string);
    expect(addons.includes(`${stack}-kubernetes-dashboard`)).toBe(!atLeast(version, 20));

    // Cluster API's defaulting webhook (real in this run) starts an autoscaled group at its
    // min size: node_count 2 with min 1 is 1 replica, so 1 Running is what the controllers report.
    expect(autoscaled?.spec.replicas).toBe(1);
    // The status code finds this version's objects by the names it renders, as the real controllers
    // bring them up. What the controllers do does not depend on the helm that installed the objects:
    // the helm 4 pass checks the install, the helm 3 pass also waits for CREATE_COMPLETE.
    if (label === 'helm 3') {
      const creating = withStack(spec, stack, 'CREATE_IN_PROGRESS');
      await expect.poll(async () => (await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/status`, creating)).json().cluster.status, SLOW).toBe('CREATE_COMPLETE');
    }
  });

  it('a running cluster moves from chart 0.26.1 to 0.27.0 by an upgrade', async () => {
    const spec = matrixSpec(`chartup-${tag}`, '0.26.1');
    const res = await svc.call('POST', '/v1/clusters', spec);
    expect(res.statusCode, res.body).toBe(201);
    const stack = res.json().stack_id as string;
    const creating = withStack(spec, stack, 'CREATE_IN_PROGRESS');
    await expect.poll(async () => (await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/status`, creating)).json().cluster.status, SLOW).toBe('CREATE_COMPLETE');

    const next = withStack(spec, stack, 'UPDATE_IN_PROGRESS');
    next.cluster_template = { ...next.cluster_template, uuid: '0d5d4e4b-9a0e-4bd0-9d4c-7d1a8c9f3e22', labels: { capi_helm_chart_version: '0.27.0' } };
    const upgraded = await svc.call('POST', `/v1/clusters/${spec.cluster.uuid}/actions/upgrade`, { spec: next });
    expect(upgraded.statusCode, upgraded.body).toBe(202);
    expect(upgraded.json().revision).toBe(2);
    expect((await k.get('Cluster', NS, stack))?.metadata.labels['helm.sh/chart']).toBe('openstack-cluster-0.27.0');
    expect((await k.get('OpenStackCluster', NS, stack))?.spec.apiServerLoadBalancer.allowedCIDRs).toEqual(CIDRS);
    expect((await k.get('MachineDeployment', NS, `${stack}-fixed-size`))?.spec.replicas).toBe(1);
  });
});
