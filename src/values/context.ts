/** Everything the per-concern translators read, resolved once per render. */
import type { Config } from '../config.js';
import { labelReader, type LabelReader } from '../magnum/labels.js';
import type { Spec } from '../magnum/spec.js';
import { CHART_VERSION, chartFeatures, type ChartFeatures } from './chart-versions.js';

export interface RenderContext {
  spec: Spec;
  site: Config;
  labels: LabelReader;
  release: string;
  chartVersion: string;
  features: ChartFeatures;
}

/** The chart version: the template's `capi_helm_chart_version` label (template labels only), else the site default. */
export function chartVersionOf(spec: Spec, site: Config): string {
  const label = spec.cluster_template.labels.capi_helm_chart_version?.trim();
  if (label === undefined || label === '') return site.chart.defaultVersion;
  // A cluster label cannot pick the chart: the operator's template decides what code runs.
  const reader = labelReader({}, { capi_helm_chart_version: label }, {});
  return reader.pattern('capi_helm_chart_version', CHART_VERSION, 'a chart version such as 0.27.0')!;
}

export function renderContext(spec: Spec, site: Config, release: string): RenderContext {
  const chartVersion = chartVersionOf(spec, site);
  return {
    spec,
    site,
    labels: labelReader(spec.cluster.labels, spec.cluster_template.labels, site.labelDefaults),
    release,
    chartVersion,
    features: chartFeatures(chartVersion),
  };
}
