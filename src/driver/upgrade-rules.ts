/**
 * Which Kubernetes version changes a helm run may make: Cluster API's
 * kubeadm control plane moves one minor version at a time and never back,
 * and only `upgrade_cluster` moves it to a new minor. Every other path
 * (create, update, resize, node groups, rotation) re-renders the version of
 * whatever template the spec it carries holds, which may be older than the
 * one the cluster was last upgraded to: applied, it would roll the control
 * plane back (issue 14, defect 1). Pure: the caller supplies both versions.
 */
import { NotSupported } from '../errors.js';

interface Version {
  major: number;
  minor: number;
  patch: number;
}

export function parseKubeVersion(raw: string): Version | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) } : null;
}

function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The upgrade path may change the minor; every other path keeps it. */
export type VersionChange = 'upgrade' | 'same-minor';

const FIELD = 'cluster_template.image_id';

/**
 * Throws NotSupported, naming both versions, for a downgrade or a skipped
 * minor version, and (outside an upgrade) for any change of minor version.
 * Unknown versions pass: with no control plane observed yet there is
 * nothing to roll back. Magnum's API shows a message up to its first full
 * stop as the title, so the reason comes first and the (dotted) versions after.
 */
export function checkKubeVersion(change: VersionChange, current: string | null | undefined, target: string | null | undefined): void {
  const from = current ? parseKubeVersion(current) : null;
  const to = target ? parseKubeVersion(target) : null;
  if (!from || !to) return;
  if (compare(to, from) < 0) {
    throw new NotSupported(`Kubernetes cannot be downgraded. The cluster runs ${current}, the new template's image has ${target}`, FIELD);
  }
  if (to.major !== from.major || to.minor > from.minor + 1) {
    throw new NotSupported(`Kubernetes can be upgraded one minor version at a time only. The cluster runs ${current}, the new template's image has ${target}`, FIELD);
  }
  if (change === 'same-minor' && to.minor !== from.minor) {
    throw new NotSupported(`Only an upgrade changes the Kubernetes minor version. The cluster runs ${current}, this call's image has ${target}`, FIELD);
  }
}

/** An upgrade's check, as before: one minor at most, never back. */
export function checkUpgrade(current: string | null | undefined, target: string | null | undefined): void {
  checkKubeVersion('upgrade', current, target);
}

/**
 * The version the control plane is at or was last asked for, whichever is
 * higher: right after helm applies an upgrade, spec.version is the new one
 * while status.version still reports the old one, and rendering below the
 * spec would turn the rollout back.
 */
export function highestVersion(...versions: (string | null | undefined)[]): string | null {
  let best: { raw: string; v: Version } | null = null;
  for (const raw of versions) {
    const v = raw ? parseKubeVersion(raw) : null;
    if (raw && v && (!best || compare(v, best.v) > 0)) best = { raw, v };
  }
  return best?.raw ?? null;
}
