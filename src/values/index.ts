/**
 * The translation: a spec plus site config to openstack-cluster values. Pure;
 * refuses broken Magnum rules and malformed labels with typed 422 errors
 * before anything is applied.
 */
import type { Config } from '../config.js';
import { InvalidInput } from '../errors.js';
import { isReleaseName, namespaceFor } from '../magnum/names.js';
import type { Spec } from '../magnum/spec.js';
import { addonToggleValues, cniValues, loadBalancerValues, storageClassValues } from './addons.js';
import {
  apiServerValues,
  bootVolumeValues,
  controlPlaneValues,
  credentialValues,
  etcdValues,
  extraNetworkValues,
  imageValues,
  keystoneAuthValues,
  networkingValues,
} from './cluster.js';
import { auditValues } from './audit.js';
import { ciliumValues } from './cilium.js';
import { renderContext, type RenderContext } from './context.js';
import { manilaValues } from './manila.js';
import { mergeAll, type Values } from './merge.js';
import { nodeGroupValues } from './nodegroups.js';
import { controlPlaneServerGroupValues, serverGroupPlans } from './server-groups.js';
import type { ServerGroupPlan } from '../magnum/server-groups.js';
import { oidcValues } from './oidc.js';
import { tlsCipherValues } from './tls.js';

export type ChartValues = Values;

export interface ValueLayers {
  /** The project's charts-values/ files, below the generated values. */
  base: Values[];
  /** The operator's files from config.valuesOverlays, above them. */
  overlays: Values[];
}

export interface ReleasePlan {
  release: string;
  namespace: string;
  chart: { repo: string; name: string; version: string };
  values: ChartValues;
}

/** A plan with what the shim must provide before it may be applied. */
export interface RenderedRelease extends ReleasePlan {
  /** The Nova server groups the labels ask for; a write needs every id (magnum/server-groups.ts). */
  serverGroups: ServerGroupPlan[];
}

/** Each concern in the order its keys appear in the document. */
const CONCERNS: ((ctx: RenderContext) => Values)[] = [
  imageValues,
  credentialValues,
  networkingValues,
  apiServerValues,
  controlPlaneValues,
  nodeGroupValues,
  // After the node groups, so a node-group name the chart cannot take is refused for that first.
  controlPlaneServerGroupValues,
  etcdValues,
  bootVolumeValues,
  extraNetworkValues,
  storageClassValues,
  loadBalancerValues,
  addonToggleValues,
  keystoneAuthValues,
  cniValues,
  ciliumValues,
  manilaValues,
  oidcValues,
  auditValues,
  tlsCipherValues,
];

/** The generated values alone; `spec.cluster.stack_id` must already name the release. */
export function toChartValues(spec: Spec, site: Config): ChartValues {
  const release = spec.cluster.stack_id;
  if (!release) throw new InvalidInput('cluster.stack_id (the release name) must be set before values are rendered', 'cluster.stack_id');
  // Checked here too, so a bad stack_id is a 400 naming the field, not a helm failure (or, in a dry run, values that could never be applied).
  if (!isReleaseName(release)) {
    throw new InvalidInput(`cluster.stack_id ${JSON.stringify(release)} must be a DNS label of at most 53 characters (lower-case letters, digits and inner -), as helm requires of a release name`, 'cluster.stack_id');
  }
  const ctx = renderContext(spec, site, release);
  return mergeAll(CONCERNS.map((concern) => concern(ctx)));
}

export function planRelease(spec: Spec, site: Config, layers: ValueLayers): RenderedRelease {
  const generated = toChartValues(spec, site);
  const ctx = renderContext(spec, site, spec.cluster.stack_id!);
  return {
    release: ctx.release,
    namespace: namespaceFor(spec.cluster.project_id, site.namespacePrefix),
    chart: { repo: site.chart.repo, name: site.chart.name, version: ctx.chartVersion },
    values: mergeAll([...layers.base, generated, ...layers.overlays]),
    serverGroups: serverGroupPlans(ctx),
  };
}

export { loadValueLayers } from './layers.js';
