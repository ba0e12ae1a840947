/**
 * Which kinds the watch cache can vouch for. A missing or forbidden kind
 * (its CRD not installed, RBAC without it) or a broken watch makes only the
 * parts that need that kind Unknown; status answers from the rest. Only the
 * Cluster is needed by every part: without it nothing is answered. Pure.
 */

/** One watched kind as the cache reports it. */
export interface KindState {
  kind: string;
  /** Listed at least once since start. */
  listed: boolean;
  /** The last list or watch failed; `error` says how. */
  broken: boolean;
  error?: string | undefined;
}

/** Kinds status cannot read now, each with why. */
export type Unobserved = ReadonlyMap<string, string>;

export const ADDON_KINDS: readonly string[] = ['HelmRelease', 'Manifests'];

export interface Observed {
  /** Whether status may answer at all. */
  ok: boolean;
  reason: string;
  unobserved: Unobserved;
}

export function observedKinds(states: readonly KindState[]): Observed {
  const unobserved = new Map<string, string>();
  const waiting: string[] = [];
  for (const s of states) {
    if (s.broken) unobserved.set(s.kind, s.error ?? 'watch broken');
    else if (!s.listed) waiting.push(`${s.kind} listing`);
  }
  const cluster = unobserved.get('Cluster');
  if (cluster !== undefined) return { ok: false, reason: `watches not synced: Cluster broken: ${cluster}`, unobserved };
  if (waiting.length > 0) return { ok: false, reason: `watches not synced: ${waiting.join('; ')}`, unobserved };
  const degraded = [...unobserved].map(([k, why]) => `${k} not observed: ${why}`);
  return { ok: true, reason: degraded.length ? `degraded: ${degraded.join('; ')}` : 'all watches synced', unobserved };
}

/** `KubeadmControlPlane not observed (HTTP 404: ...)`, for reasons; null when every kind given is observed. */
export function notObserved(unobserved: Unobserved | undefined, kinds: readonly string[]): string | null {
  const missing = kinds.filter((k) => unobserved?.has(k)).map((k) => `${k} not observed (${unobserved!.get(k)})`);
  return missing.length ? missing.join(', ') : null;
}
