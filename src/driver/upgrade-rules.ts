/**
 * Which Kubernetes version changes an upgrade may make: Cluster API's
 * kubeadm control plane moves one minor version at a time and never back.
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

/**
 * Throws NotSupported for a downgrade or a skipped minor version; unknown
 * versions pass. Magnum's API shows a message up to its first full stop as
 * the title, so the reason comes first and the versions (dotted) after it.
 */
export function checkUpgrade(current: string | null | undefined, target: string | null | undefined): void {
  const from = current ? parseKubeVersion(current) : null;
  const to = target ? parseKubeVersion(target) : null;
  if (!from || !to) return;
  if (compare(to, from) < 0) {
    throw new NotSupported(`Kubernetes cannot be downgraded. The cluster runs ${current}, the new template's image has ${target}`, 'cluster_template.image_id');
  }
  if (to.major !== from.major || to.minor > from.minor + 1) {
    throw new NotSupported(
      `Kubernetes can be upgraded one minor version at a time only. The cluster runs ${current}, the new template's image has ${target}`,
      'cluster_template.image_id',
    );
  }
}
