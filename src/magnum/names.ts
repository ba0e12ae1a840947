/**
 * Names: the release (= Magnum stack_id), the namespace, and every resource
 * name derived from the release. Derived names are cut exactly as the
 * openstack-cluster chart cuts them, so what the poller looks up is what the
 * chart rendered.
 */
import { randomInt } from 'node:crypto';

/** Kubernetes object names (DNS-1123) stop at 63 characters. */
export const MAX_NAME = 63;
const RELEASE_STEM_MAX = 30;
const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const SUFFIX_LENGTH = 12;

/** Lower-case; each run of characters outside [a-z0-9] becomes one `-`; no `-` at either end. */
export function sanitise(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

export function randomSuffix(random: (n: number) => number = randomInt): string {
  let s = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) s += SUFFIX_ALPHABET[random(SUFFIX_ALPHABET.length)];
  return s;
}

/**
 * A new release name for a cluster: its sanitised name cut to 30 characters
 * (no trailing `-`) plus 12 random characters. Generated once, at create.
 */
export function newReleaseName(clusterName: string | null | undefined, suffix = randomSuffix()): string {
  const stem = sanitise(clusterName ?? '').slice(0, RELEASE_STEM_MAX).replace(/-+$/, '') || 'cluster';
  return `${stem}-${suffix}`;
}

/**
 * A name helm accepts for a release: a DNS label of at most 53 characters
 * (every object the chart renders is named after it). Names this driver and
 * magnum-capi-helm generate always pass.
 */
export function isReleaseName(s: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(s);
}

/** Whether a namespace is one of Magnum's (`<prefix>-…`); objects elsewhere are another product's. */
export function isManagedNamespace(namespace: string | undefined, prefix: string): boolean {
  return namespace?.startsWith(`${prefix}-`) ?? false;
}

/** `<prefix>-<project id with only [a-z0-9] kept>`: the namespace of every cluster of a project. */
export function namespaceFor(projectId: string, prefix: string): string {
  return `${prefix}-${projectId.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, MAX_NAME).replace(/-+$/, '');
}

/** Helm's `trimSuffix "-"` removes one dash, not a run of them. */
function trimOneDash(s: string): string {
  return s.endsWith('-') ? s.slice(0, -1) : s;
}

/** `<release>-<component>` exactly as the chart's componentName helper: `trunc 63 | trimSuffix "-"`. */
export function derivedName(release: string, component: string): string {
  return trimOneDash(`${release}-${component}`.slice(0, MAX_NAME));
}

/** The Cluster and OpenStackCluster name, as the chart's clusterName helper. */
export function clusterName(release: string): string {
  return trimOneDash(release.slice(0, MAX_NAME));
}
