/**
 * What differs between openstack-cluster chart versions, in one table.
 * Versions compare numerically on major.minor.patch; a pre-release or build
 * suffix is ignored, so `0.24.0-dev.1` behaves as 0.24.0.
 */
export interface ChartFeatures {
  /** The values key of the API load balancer's allowed CIDRs (the chart ignores the other spelling). */
  allowedCidrsKey: 'allowedCidrs' | 'allowedCIDRs';
  /** Charts before 0.20 still ship the Kubernetes dashboard addon. */
  hasDashboardAddon: boolean;
}

/** What a chart version may look like: helm's `--version` and the `capi_helm_chart_version` label accept only this. */
export const CHART_VERSION = /^v?[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;

type Triple = [number, number, number];

function parse(version: string): Triple {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return [Number.MAX_SAFE_INTEGER, 0, 0];
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function atLeast(version: string, min: Triple): boolean {
  const v = parse(version);
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}

/** An unparseable version (a branch name, say) is treated as newer than every release. */
export function chartFeatures(version: string): ChartFeatures {
  return {
    allowedCidrsKey: atLeast(version, [0, 24, 0]) ? 'allowedCIDRs' : 'allowedCidrs',
    hasDashboardAddon: !atLeast(version, [0, 20, 0]),
  };
}
