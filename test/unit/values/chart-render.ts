/**
 * Rendering a spec with the real `openstack-cluster` chart (the packaged
 * archives in ../shared/reference/charts) and the real helm 3, no API server,
 * and finding the Cluster API objects in the output.
 */
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { parseConfig, type ConfigInput } from '../../../src/config.js';
import { createHelmClient } from '../../../src/helm/client.js';
import { derivedName } from '../../../src/magnum/names.js';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import { loadValueLayers, planRelease } from '../../../src/values/index.js';
import { realChartsDir } from '../../support/chart-repo.js';

export const ROOT = join(import.meta.dirname, '../../..');
export const CHARTS = realChartsDir();
const helm = createHelmClient({ binary: join(ROOT, '.tools/helm3/helm'), timeoutSeconds: 60 });

export interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  stringData?: Record<string, string>;
}

export type Kcs = {
  files: { path: string; content?: string; permissions?: string; contentFrom?: { secret: { name: string; key: string } } }[];
  preKubeadmCommands?: string[];
  clusterConfiguration: { apiServer: { extraArgs: Record<string, string>; certSANs?: string[]; extraVolumes: { name: string; hostPath: string; mountPath: string; readOnly?: boolean }[] } };
  initConfiguration: { nodeRegistration: { kubeletExtraArgs: Record<string, string> } };
  joinConfiguration: { nodeRegistration: { kubeletExtraArgs: Record<string, string>; taints?: unknown[] } };
};

/** The objects the chart of `version` renders from the planner's values for `input` under `site`. */
export async function renderObjects(input: SpecInput, version: string, site: ConfigInput = {}): Promise<K8sObject[]> {
  const config = parseConfig(site);
  const spec = Spec.parse({ ...input, cluster_template: { ...input.cluster_template, labels: { ...input.cluster_template.labels, capi_helm_chart_version: version } } });
  const plan = planRelease(spec, config, await loadValueLayers(config, ROOT));
  const out = await helm.template({ ...plan, chart: { repo: '', name: join(CHARTS!, `openstack-cluster-${version}.tgz`), version } });
  return (loadAll(out) as (K8sObject | null)[]).filter((o): o is K8sObject => o !== null);
}

export function find(objects: K8sObject[], kind: string, name: string | RegExp): K8sObject {
  const hit = objects.find((o) => o.kind === kind && (typeof name === 'string' ? o.metadata.name === name : name.test(o.metadata.name)));
  if (!hit) throw new Error(`no ${kind} ${String(name)} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return hit;
}

export function kcpSpec(objects: K8sObject[], release: string): Kcs {
  return find(objects, 'KubeadmControlPlane', derivedName(release, 'control-plane')).spec!.kubeadmConfigSpec as Kcs;
}

/** A node group's machine or bootstrap template: the chart suffixes its name with a hash of the spec. */
export function groupTemplate(objects: K8sObject[], kind: string, release: string, group: string): Record<string, unknown> {
  return find(objects, kind, new RegExp(`^${derivedName(release, group)}-[0-9a-f]{8}$`)).spec!.template as Record<string, unknown>;
}

export function kctSpec(objects: K8sObject[], release: string, group: string): Kcs {
  return (groupTemplate(objects, 'KubeadmConfigTemplate', release, group) as { spec: Kcs }).spec;
}
