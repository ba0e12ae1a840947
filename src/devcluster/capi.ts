/**
 * The real Cluster API managers of the local management cluster: the core
 * manager and the kubeadm bootstrap provider reconcile, the kubeadm
 * control-plane manager serves only its webhooks (its etcd checks go through a
 * kubelet port-forward that cannot exist here, so the control plane is played).
 * Each serves its webhooks on a loopback port with the local cluster's serving
 * certificate; the webhook configurations are rewritten from service
 * references to those URLs.
 */
import { execa, type ResultPromise } from 'execa';
import { loadAll } from 'js-yaml';
import { createWriteStream } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, stopProcess, track, waitFor, type Log } from './process.js';

export interface CapiBinaries {
  version: string;
  core: string;
  bootstrap: string;
  controlPlane: string;
  /** Directory of the managers' webhook configurations as released (core.yaml, bootstrap.yaml, control-plane.yaml). */
  webhooks: string;
}

/** Which Cluster API controllers run for real; the rest are played (see player.ts). */
export const REAL_CONTROLLERS = ['core (Cluster, MachineDeployment, MachineSet, Machine, MachineHealthCheck)', 'kubeadm bootstrap', 'kubeadm control-plane webhooks only'] as const;
export const PLAYED_PROVIDERS = ['OpenStackCluster', 'OpenStackMachine', 'KubeadmControlPlane status', 'addons (HelmRelease, Manifests)', 'workload Nodes'] as const;

export interface CapiManagers {
  version: string;
  stop(): Promise<void>;
}

interface Manager {
  name: 'core' | 'bootstrap' | 'control-plane';
  /** The API groups whose CRDs the manager converts between versions. */
  groups: string[];
  binary: string;
  /** The prefix kustomize gives the manager's webhook configurations when it is released. */
  prefix: string;
  extraArgs: string[];
}

interface Certs {
  caCert: string;
  servingCert: string;
  servingKey: string;
}

/**
 * A namespace no Magnum cluster lives in: the control-plane manager watches it, so it reconciles nothing.
 * Only a manager that reconciles nothing may be scoped so: from v1.14 a reconciler's cache-consistency
 * check reads a cluster-wide informer's store, and a namespace-scoped cache's informer has none
 * ("failed to cast MachineSet informer to SharedIndexInformer"; the create stalls).
 */
const NOTHING_TO_RECONCILE = 'mcs-kubeadm-control-plane-idle';

export async function startCapiManagers(opts: {
  bins: CapiBinaries;
  kubeconfigPath: string;
  certs: Certs;
  dataDir: string;
  log: Log;
}): Promise<CapiManagers> {
  const { bins, certs } = opts;
  const managers: Manager[] = [
    // ClusterResourceSet's CRDs are installed although the chart uses none: from v1.11 its controller cannot be turned off.
    { name: 'core', groups: ['cluster.x-k8s.io', 'addons.cluster.x-k8s.io'], binary: bins.core, prefix: 'capi-', extraArgs: [] },
    { name: 'bootstrap', groups: ['bootstrap.cluster.x-k8s.io'], binary: bins.bootstrap, prefix: 'capi-kubeadm-bootstrap-', extraArgs: [] },
    { name: 'control-plane', groups: ['controlplane.cluster.x-k8s.io'], binary: bins.controlPlane, prefix: 'capi-kubeadm-control-plane-', extraArgs: ['--namespace', NOTHING_TO_RECONCILE] },
  ];
  const caPem = await readFile(certs.caCert, 'utf8');
  const running: ResultPromise[] = [];
  const stop = async () => {
    await Promise.all(running.map((p) => stopProcess(p)));
  };
  try {
    const webhookConfigs: Record<string, unknown>[] = [];
    const crds = (await readdir(join(bins.webhooks, '..'))).filter((f) => f.endsWith('.yaml')).map(crdOf);
    for (const m of managers) {
      const [webhookPort, healthPort] = [await freePort(), await freePort()];
      const logFile = join(opts.dataDir, `capi-${m.name}.log`);
      const child = track(execa(m.binary, [
        '--kubeconfig', opts.kubeconfigPath,
        '--leader-elect=false',
        '--diagnostics-address=0',
        '--health-addr', `127.0.0.1:${healthPort}`,
        '--webhook-port', String(webhookPort),
        '--webhook-cert-dir', join(certs.servingCert, '..'),
        '--webhook-cert-name', 'serving.crt',
        '--webhook-key-name', 'serving.key',
        ...m.extraArgs,
      ], { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', buffer: false }));
      child.stderr?.pipe(createWriteStream(logFile, { flags: 'a' }));
      running.push(child);
      // Its readyz includes the webhook server's own check (a TLS dial of the port).
      await waitFor(`cluster-api ${m.name} manager (log ${logFile})`, () => httpOk(`http://127.0.0.1:${healthPort}/readyz`), 120_000, child);
      webhookConfigs.push(...(await loopbackWebhooks(join(bins.webhooks, `${m.name}.yaml`), m.prefix, webhookPort, caPem)));
      // From v1.11 the CRDs store v1beta2 while the chart writes v1beta1: the manager converts.
      const ours = crds.filter((c) => m.groups.includes(c.group));
      webhookConfigs.push(...ours.map((c) => conversionWebhook(c.name, webhookPort, caPem)));
    }
    await applyJson(opts.kubeconfigPath, webhookConfigs);
    opts.log(`cluster-api ${bins.version}: real ${REAL_CONTROLLERS.join(', ')}; played: ${PLAYED_PROVIDERS.join(', ')}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { version: bins.version, stop };
}

/** `cluster.x-k8s.io_machines.yaml` (controller-gen's file name) is the CRD `machines.cluster.x-k8s.io`. */
function crdOf(file: string): { group: string; name: string } {
  const [group = '', plural = ''] = file.replace(/\.yaml$/, '').split('_');
  return { group, name: `${plural}.${group}` };
}

/** The part of a CRD kustomize's webhook patch adds: conversion through the manager's /convert. */
function conversionWebhook(name: string, port: number, caPem: string): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      conversion: {
        strategy: 'Webhook',
        webhook: { conversionReviewVersions: ['v1', 'v1beta1'], clientConfig: { url: `https://127.0.0.1:${port}/convert`, caBundle: Buffer.from(caPem).toString('base64') } },
      },
    },
  };
}

async function httpOk(url: string): Promise<boolean> {
  return (await fetch(url)).ok;
}

interface WebhookConfiguration {
  kind: string;
  metadata: { name: string };
  webhooks?: { clientConfig: { service?: { path?: string }; url?: string; caBundle?: string } }[];
}

/** The released webhook configurations, calling the manager on loopback instead of through its Service. */
export async function loopbackWebhooks(file: string, prefix: string, port: number, caPem: string): Promise<Record<string, unknown>[]> {
  const docs = loadAll(await readFile(file, 'utf8')).filter(Boolean) as WebhookConfiguration[];
  return docs.map((doc) => ({
    ...doc,
    metadata: { ...doc.metadata, name: `${prefix}${doc.metadata.name}` },
    webhooks: (doc.webhooks ?? []).map((w) => ({
      ...w,
      clientConfig: { url: `https://127.0.0.1:${port}${w.clientConfig.service?.path ?? '/'}`, caBundle: Buffer.from(caPem).toString('base64') },
    })),
  }));
}

async function applyJson(kubeconfigPath: string, objects: Record<string, unknown>[]): Promise<void> {
  const kubectl = join(import.meta.dirname, '../../.tools/helm3/kubectl');
  const input = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  // A field manager of its own: the CRDs' other fields stay owned by the manager that installed them.
  // kubectl's own schema check would refuse the CRDs' partial specs; the API server checks the merged object.
  await execa(kubectl, ['--kubeconfig', kubeconfigPath, 'apply', '--server-side', '--force-conflicts', '--validate=false', '--field-manager', 'magnum-capi-sidecar-dev-capi', '-f', '-'], { input });
}
