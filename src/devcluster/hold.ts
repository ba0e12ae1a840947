/**
 * How a test (or an operator on a laptop) stops the player for a while: the
 * namespace of a Magnum project carries an annotation naming what the played
 * providers leave alone, so a cluster can wait on its infrastructure, or on one
 * addon, as long as the test needs. The real controllers are never held.
 *
 *   dev.magnum-capi-sidecar/player-hold: "OpenStackCluster, Manifests/abc-loki-stack-dashboards"
 *
 * An entry is a played kind (every object of it in the namespace) or Kind/name.
 */
import type { LocalKind } from './kinds.js';

export const PLAYER_HOLD_ANNOTATION = 'dev.magnum-capi-sidecar/player-hold';

/** The kinds the player writes; only these can be held. */
export const HOLDABLE_KINDS = ['OpenStackCluster', 'OpenStackMachine', 'KubeadmControlPlane', 'HelmRelease', 'Manifests'] as const satisfies readonly LocalKind[];
export type HoldableKind = (typeof HOLDABLE_KINDS)[number];

export type Held = (kind: HoldableKind, name: string) => boolean;

/** The hold one annotation value describes; entries naming no played kind are refused, so a typo never passes silently. */
export function parseHold(value: string | undefined): Held {
  const entries = (value ?? '').split(',').map((e) => e.trim()).filter(Boolean).map((entry) => {
    const [kind = '', name] = entry.split('/', 2);
    if (!(HOLDABLE_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`${PLAYER_HOLD_ANNOTATION}: "${entry}" names no played kind (one of ${HOLDABLE_KINDS.join(', ')})`);
    }
    return { kind, name };
  });
  return (kind, name) => entries.some((e) => e.kind === kind && (e.name === undefined || e.name === name));
}

/** What every namespace holds, by namespace name; a namespace whose annotation is wrong is reported and holds everything, so nothing is played past a hold that was meant. */
export function holdsByNamespace(namespaces: { name: string; annotations?: Record<string, string> | undefined }[], onInvalid: (namespace: string, reason: string) => void): Map<string, Held> {
  const holds = new Map<string, Held>();
  for (const ns of namespaces) {
    const value = ns.annotations?.[PLAYER_HOLD_ANNOTATION];
    if (!value) continue;
    try {
      holds.set(ns.name, parseHold(value));
    } catch (err) {
      onInvalid(ns.name, (err as Error).message);
      holds.set(ns.name, () => true);
    }
  }
  return holds;
}
