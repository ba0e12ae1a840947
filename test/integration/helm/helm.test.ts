/**
 * The real helm binaries (3.17 and 4.1) against the real API server: render,
 * install, upgrade, uninstall and failures with the real openstack-cluster
 * chart from the loopback repository (`--repo URL --version V`), and releases
 * left pending by a killed helm with the project's fixture chart, whose
 * pre-upgrade hook never completes: the real chart has no hook, and without
 * one helm cannot be caught mid-upgrade reliably.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { REAL_CHART_VERSION, skipNotice } from '../../support/chart-repo.js';
import { HelmFailed, HelmUnavailable } from '../../../src/errors.js';
import { createHelmClient } from '../../../src/helm/client.js';
import { unlockRevision } from '../../../src/helm/record.js';
import { createReleaseManager } from '../../../src/helm/releases.js';
import { playedProviders } from '../harness/capi.js';
import { HELM_BINARIES, kube, MERGE } from '../harness/kube.js';

const ROOT = join(import.meta.dirname, '../../..');
/** Only for the hanging hook (`testHangHook`), see above. */
const CHART = { repo: '', name: join(ROOT, 'test/fixtures/charts/openstack-cluster'), version: '0.27.0-test' };
const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('the real-chart tests of test/integration/helm/helm.test.ts (render, install, upgrade, uninstall)'));
const REAL = { repo: REPO, name: 'openstack-cluster', version: REAL_CHART_VERSION };
const real = it.skipIf(!REPO);
const VALUES = {
  kubernetesVersion: '1.31.4',
  machineImageId: '6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a',
  controlPlane: { machineFlavor: 'm1.medium', machineCount: 1 },
  nodeGroups: [{ name: 'default-worker', machineFlavor: 'm1.medium', machineCount: 2 }],
  clusterNetworking: { externalNetworkId: 'c1c1c1c1-0000-4000-8000-000000000001' },
  // The real chart renders a clouds.yaml secret of its own unless it is given one.
  cloudCredentialsSecretName: 'demo-cloud-credentials',
};

describe.each(HELM_BINARIES)('%s', (label, relative) => {
  const binary = join(ROOT, relative);
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  const helm = createHelmClient({ binary, kubeconfig, timeoutSeconds: 60 });
  const ns = `helm-${label.replace(/\W/g, '')}`;
  /** The release manager as the engine builds it, under a lease this test holds: the real unlock of helm's record. */
  const managed = () =>
    createReleaseManager(helm, 2, { holdsLease: () => true, unlock: (ref, revision, from) => unlockRevision(k.core, ref, revision, `unlocked from ${from} by the test`) });

  it('reports its version', async () => {
    expect((await helm.version()).major).toBe(label === 'helm 3' ? 3 : 4);
  });

  real('renders the real chart with the expected names and labels', async () => {
    const out = await helm.template({ release: 'demo-abcdefghij23', namespace: ns, chart: REAL, values: VALUES });
    expect(out).toContain(`helm.sh/chart: openstack-cluster-${REAL_CHART_VERSION}`);
    expect(out).toContain('name: demo-abcdefghij23-control-plane');
    expect(out).toContain('name: demo-abcdefghij23-default-worker');
    expect(out).toContain('capi.stackhpc.com/cluster: demo-abcdefghij23');
  });

  real('a render failure (the chart\'s own `fail` check) is HelmFailed naming the cause', async () => {
    const run = helm.template({ release: 'demo-abcdefghij23', namespace: ns, chart: REAL, values: { ...VALUES, nodeGroups: [{ name: 'ab', machineFlavor: 'm1.medium', machineCount: 1 }] } });
    await expect(run).rejects.toBeInstanceOf(HelmFailed);
    await expect(run).rejects.toThrow(/Node group name must be at least three characters long/);
  });

  it('a missing binary is HelmUnavailable, not HelmFailed', async () => {
    const missing = createHelmClient({ binary: '/nonexistent/helm', timeoutSeconds: 5 });
    await expect(missing.version()).rejects.toBeInstanceOf(HelmUnavailable);
  });

  it('creates its namespace', async () => {
    await k.core.createNamespace({ body: { metadata: { name: ns } } });
    // These releases test helm, not what the controllers make of them (real-capi.test.ts does): with
    // no infrastructure played no Machine is ever made, which spared the run about 45 CPU-seconds.
    await playedProviders(kubeconfig).hold(ns, ['OpenStackCluster']);
  });

  real('installs, upgrades and uninstalls against the API server; uninstalling twice is fine', async () => {
    const ref = { release: 'life-abcdefghij23', namespace: ns };
    const first = await helm.upgradeInstall({ ...ref, chart: REAL, values: VALUES });
    expect(first).toMatchObject({ revision: 1, status: 'deployed' });
    expect((await k.get('MachineDeployment', ns, 'life-abcdefghij23-default-worker'))?.spec.replicas).toBe(2);
    const second = await helm.upgradeInstall({ ...ref, chart: REAL, values: { ...VALUES, nodeGroups: [{ name: 'default-worker', machineFlavor: 'm1.medium', machineCount: 4 }] } });
    expect(second.revision).toBe(2);
    expect((await k.get('MachineDeployment', ns, 'life-abcdefghij23-default-worker'))?.spec.replicas).toBe(4);
    expect(await helm.uninstall(ref)).toEqual({ existed: true });
    expect(await k.deleted('Cluster', ns, 'life-abcdefghij23')).toBe(true);
    expect(await helm.uninstall(ref)).toEqual({ existed: false });
  });

  // The upgrade skips helm's own OpenAPI step (src/helm/args.ts): what that step would let through or refuse, the API server still does.
  real('the API server validates what helm applies: a type error is refused naming the field, an unknown field is dropped', async () => {
    const refused = { release: 'typed-abcdefghij23', namespace: ns };
    const typeError = helm.upgradeInstall({ ...refused, chart: REAL, values: { ...VALUES, nodeGroups: [{ name: 'default-worker', machineFlavor: 'm1.medium', machineCount: 'three' }] } });
    await expect(typeError).rejects.toBeInstanceOf(HelmFailed);
    // Cluster API's defaulting webhook decodes it first; without the webhook the CRD's schema refuses it.
    await expect(typeError).rejects.toThrow(/spec\.replicas (of type int32|in body must be of type integer)/);
    await helm.uninstall(refused);
    const ref = { release: 'valid-abcdefghij23', namespace: ns };
    const unknown = { ...VALUES, controlPlane: { ...VALUES.controlPlane, kubeadmConfigSpec: { notAKubeadmField: 'x' } } };
    expect(await helm.upgradeInstall({ ...ref, chart: REAL, values: unknown })).toMatchObject({ status: 'deployed' });
    const spec = (await k.get('KubeadmControlPlane', ns, `${ref.release}-control-plane`))?.spec as { kubeadmConfigSpec?: Record<string, unknown> } | undefined;
    expect(spec?.kubeadmConfigSpec).toBeDefined();
    expect(spec?.kubeadmConfigSpec).not.toHaveProperty('notAKubeadmField');
    expect(await helm.uninstall(ref)).toEqual({ existed: true });
  });

  real('talks to the configured cluster and stores releases as secrets, whatever HELM_* or KUBECONFIG the sidecar runs with', async () => {
    const foreign = {
      KUBECONFIG: '/nonexistent/kubeconfig',
      HELM_KUBECONTEXT: 'another-cluster',
      HELM_KUBEAPISERVER: 'https://127.0.0.1:1',
      HELM_DRIVER: 'configmap',
      HELM_NAMESPACE: 'kube-system',
    };
    const saved = Object.fromEntries(Object.keys(foreign).map((name) => [name, process.env[name]]));
    Object.assign(process.env, foreign);
    const ref = { release: 'env-abcdefghij23', namespace: ns };
    try {
      expect(await helm.upgradeInstall({ ...ref, chart: REAL, values: VALUES })).toMatchObject({ revision: 1, status: 'deployed' });
      expect(await k.get('Cluster', ns, ref.release)).not.toBeNull();
      // The default (secret) driver, where `helm list` of an operator finds it.
      expect((await k.secrets(ns)).map((s) => s.name)).toContain(`sh.helm.release.v1.${ref.release}.v1`);
      expect(await helm.uninstall(ref)).toEqual({ existed: true });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('unlocks a release a killed helm left pending, before the next operation: no rollback in its history', async () => {
    const ref = { release: 'stuck-abcdefghij23', namespace: ns };
    const manager = managed();
    const plan = { ...ref, chart: CHART, values: VALUES };
    await manager.apply(plan);
    // An upgrade whose pre-upgrade hook never completes: kill helm while it waits.
    const input = JSON.stringify({ ...VALUES, testHangHook: true });
    const hung = execa(binary, ['upgrade', ref.release, CHART.name, '--namespace', ns, '--values', '-', '--kubeconfig', kubeconfig, '--timeout', '10m'], { input, reject: false });
    await expect.poll(async () => (await helm.history(ref)).at(-1)?.status, { timeout: 30_000, interval: 250 }).toBe('pending-upgrade');
    hung.kill('SIGKILL');
    await hung;
    await expect(helm.upgradeInstall(plan)).rejects.toThrow(/another operation/);
    const result = await manager.apply(plan);
    expect(manager.unlocks).toBe(1);
    expect((await helm.history(ref)).map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
    expect(result.revision).toBe(3);
    const { stdout } = await execa(binary, ['history', ref.release, '--namespace', ns, '--kubeconfig', kubeconfig, '--output', 'json']);
    const descriptions = (JSON.parse(stdout) as { description: string }[]).map((r) => r.description);
    expect(descriptions[1]).toBe('unlocked from pending-upgrade by the test');
    expect(descriptions.join('\n')).not.toMatch(/rollback/i);
  });

  it('deletes a release a killed helm left pending as it is, without rolling it back to the old spec first', async () => {
    const ref = { release: 'gone-abcdefghij23', namespace: ns };
    const manager = managed();
    await manager.apply({ ...ref, chart: CHART, values: VALUES });
    const input = JSON.stringify({ ...VALUES, testHangHook: true });
    const hung = execa(binary, ['upgrade', ref.release, CHART.name, '--namespace', ns, '--values', '-', '--kubeconfig', kubeconfig, '--timeout', '10m'], { input, reject: false });
    await expect.poll(async () => (await helm.history(ref)).at(-1)?.status, { timeout: 30_000, interval: 250 }).toBe('pending-upgrade');
    hung.kill('SIGKILL');
    await hung;
    expect(await manager.remove(ref)).toEqual({ existed: true });
    expect(manager.unlocks).toBe(0);
    expect(await helm.history(ref)).toEqual([]);
    expect(await k.deleted('Cluster', ns, ref.release)).toBe(true);
  });

  it('unlocks a pending upgrade over a failed install, keeping the objects the install did create', async () => {
    const ref = { release: 'kept-abcdefghij23', namespace: ns };
    const manager = managed();
    // The API refuses the OpenStack machine templates (the image id is no uuid) but creates the Cluster.
    await expect(manager.apply({ ...ref, chart: CHART, values: { ...VALUES, machineImageId: 'not-a-uuid' } })).rejects.toBeInstanceOf(HelmFailed);
    const uid = (await k.get('Cluster', ns, ref.release))?.metadata.uid as string;
    expect(uid).toBeTruthy();
    const input = JSON.stringify({ ...VALUES, testHangHook: true });
    const hung = execa(binary, ['upgrade', ref.release, CHART.name, '--namespace', ns, '--values', '-', '--kubeconfig', kubeconfig, '--timeout', '10m'], { input, reject: false });
    await expect.poll(async () => (await helm.history(ref)).map((r) => r.status), { timeout: 30_000, interval: 250 }).toEqual(['failed', 'pending-upgrade']);
    hung.kill('SIGKILL');
    await hung;

    const result = await manager.apply({ ...ref, chart: CHART, values: VALUES });
    expect((await helm.history(ref)).at(-1)).toMatchObject({ revision: result.revision, status: 'deployed' });
    // The same Cluster object: never deleted (CAPI would have torn its infrastructure down).
    expect((await k.get('Cluster', ns, ref.release))?.metadata.uid).toBe(uid);
    // helm supersedes the revision it upgraded over: the unlocked one, as there is no deployed one before it.
    expect((await helm.history(ref)).map((r) => r.status)).toEqual(['failed', 'superseded', 'deployed']);
    expect(manager.unlocks).toBe(1);
    await manager.remove(ref);
  });

  real('upgrades and rolls back a MachineDeployment someone else scaled since, as helm 3 does', async () => {
    const ref = { release: 'scaled-abcdefghij23', namespace: ns };
    const md = `${ref.release}-default-worker`;
    const group = (machineCount: number) => ({ ...VALUES, nodeGroups: [{ name: 'default-worker', machineFlavor: 'm1.medium', machineCount }] });
    /** An operator's `kubectl scale`: a patch of the scale subresource under a field manager of its own (no resourceVersion, so the real controller's writes are no conflict). */
    const scale = async (replicas: number) => {
      const target = { group: 'cluster.x-k8s.io', version: 'v1beta1', namespace: ns, plural: 'machinedeployments', name: md };
      await k.custom.patchNamespacedCustomObjectScale({ ...target, body: { spec: { replicas } }, fieldManager: 'kubectl' }, MERGE);
    };
    const first = await helm.upgradeInstall({ ...ref, chart: REAL, values: group(2) });
    await scale(7);
    await helm.upgradeInstall({ ...ref, chart: REAL, values: group(5) });
    expect((await k.get('MachineDeployment', ns, md))?.spec.replicas).toBe(5);
    await scale(8);
    await helm.rollback(ref, first.revision);
    expect((await k.get('MachineDeployment', ns, md))?.spec.replicas).toBe(2);
    await helm.uninstall(ref);
  });
});
