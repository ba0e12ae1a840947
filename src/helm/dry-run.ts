/**
 * `helm upgrade --dry-run=server`: the argv of the real upgrade with the one
 * flag added, so a preview renders with the chart, values and apply mode the
 * next operation will use. helm reads the live release and any object the
 * chart looks up, and writes nothing: no revision, no object, no lock. The
 * answer is the release helm would store, as JSON; its manifest is what the
 * upgrade would apply.
 */
import { HelmFailed } from '../errors.js';
import { upgradeInstallArgs } from './args.js';
import type { ChartRef, RegistryAccess, ReleaseRef } from './types.js';

export function dryRunUpgradeArgs(ref: ReleaseRef, chart: ChartRef, timeoutSeconds: number, archive?: string, helmMajor = 3, registry?: RegistryAccess): string[] {
  return [...upgradeInstallArgs(ref, chart, timeoutSeconds, archive, helmMajor, registry), '--dry-run=server'];
}

/** The manifest in helm's JSON answer; helm 3 and 4 both print the release with `manifest`. */
export function dryRunManifest(stdout: string, ref: ReleaseRef): string {
  let parsed: { manifest?: unknown };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new HelmFailed(`helm upgrade --dry-run printed no JSON release for ${ref.namespace}/${ref.release}`);
  }
  if (typeof parsed.manifest !== 'string') throw new HelmFailed(`helm upgrade --dry-run printed no manifest for ${ref.namespace}/${ref.release}`);
  return parsed.manifest;
}
