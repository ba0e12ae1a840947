/**
 * Whether applying a manifest would replace machines, decided from the
 * objects before and after. Pure. Cluster API rolls a node group when its
 * MachineDeployment's machine template changes, and the control plane when
 * its KubeadmControlPlane's does; the chart names every OpenStackMachineTemplate
 * and KubeadmConfigTemplate by a hash of its spec, so any change to what a
 * machine is built from shows as a template renamed. Replica counts, health
 * checks, timeouts and addons change in place and roll nothing.
 */
import { differingPaths, type ManifestObject, type ManifestObjects } from './manifest-diff.js';

export interface Roll {
  part: 'control_plane' | 'node_group';
  /** `control-plane`, or the node group's name as the chart labels it. */
  name: string;
  /** Why, in plain words, one entry per cause. */
  reasons: string[];
}

export interface RollDecision {
  rolls: Roll[];
  /** Node groups the operation adds or removes (their machines are created or deleted, not rolled). */
  added: string[];
  removed: string[];
  /** `nothing rolls`, or a sentence per part that rolls; added and removed groups after. */
  summary: string;
}

/** How many of a renamed template's changed paths a reason quotes. */
const QUOTED_PATHS = 5;
const NODE_GROUP_LABEL = 'capi.stackhpc.com/node-group';

type Fields = Record<string, unknown>;

function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Fields)[k] : undefined), obj);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : v === undefined ? undefined : JSON.stringify(v));

function ofKind(objects: ManifestObjects, kind: string): ManifestObject[] {
  return [...objects.values()].filter((o) => o.kind === kind);
}

function named(objects: ManifestObjects, kind: string | undefined, name: string | undefined): ManifestObject | undefined {
  return [...objects.values()].find((o) => o.kind === kind && o.metadata.name === name);
}

function quoted(paths: string[]): string {
  return paths.length <= QUOTED_PATHS ? paths.join(', ') : `${paths.slice(0, QUOTED_PATHS).join(', ')} and ${paths.length - QUOTED_PATHS} more`;
}

/** A reference to a checksum-named template that moved: the rename, and what changed in the template's spec. */
function renamed(what: string, refPath: string, prev: ManifestObject, next: ManifestObject, before: ManifestObjects, after: ManifestObjects): string | null {
  const from = at(prev, refPath) as Fields | undefined;
  const to = at(next, refPath) as Fields | undefined;
  if (from?.name === to?.name) return null;
  const reason = `its ${what} is renamed ${text(from?.name)} → ${text(to?.name)}`;
  const old = named(before, text(from?.kind), text(from?.name));
  const now = named(after, text(to?.kind), text(to?.name));
  if (!old || !now) return reason;
  const paths = differingPaths(old.spec, now.spec, 'spec');
  return paths.length > 0 ? `${reason} (its spec changed at ${quoted(paths)})` : reason;
}

function changedValue(what: string, path: string, prev: ManifestObject, next: ManifestObject): string | null {
  const from = text(at(prev, path));
  const to = text(at(next, path));
  return from === to ? null : `${what} ${from ?? 'unset'} → ${to ?? 'unset'}`;
}

function controlPlaneReasons(prev: ManifestObject, next: ManifestObject, before: ManifestObjects, after: ManifestObjects): string[] {
  const config = differingPaths(at(prev, 'spec.kubeadmConfigSpec'), at(next, 'spec.kubeadmConfigSpec'), 'spec.kubeadmConfigSpec');
  return [
    renamed('machine template', 'spec.machineTemplate.infrastructureRef', prev, next, before, after),
    changedValue('Kubernetes', 'spec.version', prev, next),
    config.length > 0 ? `its kubeadm config changed at ${quoted(config)}` : null,
    changedValue('rolloutAfter', 'spec.rolloutAfter', prev, next),
  ].filter((r): r is string => r !== null);
}

function nodeGroupReasons(prev: ManifestObject, next: ManifestObject, before: ManifestObjects, after: ManifestObjects): string[] {
  return [
    renamed('machine template', 'spec.template.spec.infrastructureRef', prev, next, before, after),
    renamed('bootstrap config', 'spec.template.spec.bootstrap.configRef', prev, next, before, after),
    changedValue('Kubernetes', 'spec.template.spec.version', prev, next),
    changedValue('failure domain', 'spec.template.spec.failureDomain', prev, next),
    changedValue('rolloutAfter', 'spec.rolloutAfter', prev, next),
  ].filter((r): r is string => r !== null);
}

const groupName = (md: ManifestObject) => md.metadata.labels?.[NODE_GROUP_LABEL] ?? md.metadata.name;

function summarise(rolls: Roll[], added: string[], removed: string[]): string {
  const sentences = rolls.map((r) => `${r.part === 'control_plane' ? 'The control plane' : `Node group ${r.name}`} rolls: ${r.reasons.join('; ')}.`);
  if (sentences.length === 0) sentences.push('nothing rolls.');
  for (const g of added) sentences.push(`Node group ${g} is added.`);
  for (const g of removed) sentences.push(`Node group ${g} is removed: its machines are deleted.`);
  const joined = sentences.join(' ');
  return joined === 'nothing rolls.' ? 'nothing rolls' : joined;
}

export function decideRolls(before: ManifestObjects, after: ManifestObjects): RollDecision {
  const rolls: Roll[] = [];
  for (const next of ofKind(after, 'KubeadmControlPlane')) {
    const prev = named(before, next.kind, next.metadata.name);
    const reasons = prev ? controlPlaneReasons(prev, next, before, after) : [];
    if (reasons.length > 0) rolls.push({ part: 'control_plane', name: 'control-plane', reasons });
  }
  const added: string[] = [];
  for (const next of ofKind(after, 'MachineDeployment')) {
    const prev = named(before, next.kind, next.metadata.name);
    if (!prev) {
      added.push(groupName(next));
      continue;
    }
    const reasons = nodeGroupReasons(prev, next, before, after);
    if (reasons.length > 0) rolls.push({ part: 'node_group', name: groupName(next), reasons });
  }
  const removed = ofKind(before, 'MachineDeployment').filter((md) => !named(after, md.kind, md.metadata.name)).map(groupName);
  return { rolls, added: added.sort(), removed: removed.sort(), summary: summarise(rolls, added.sort(), removed.sort()) };
}
