/**
 * Node labels and taints of a node group (Magnum API 1.14): Magnum's own
 * checks, with its messages, plus the syntax Kubernetes requires. Magnum's
 * API checks these before saving, but an older or patched API may not, and a
 * kubelet asked to register a label it may not set never starts: the node
 * group would hang in CREATE_IN_PROGRESS instead of failing at once.
 */
import { MagnumRuleViolation } from '../errors.js';
import type { NodeGroup, NodeLabels } from './spec.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];
const TAINT_FIELDS = ['key', 'value', 'effect'];

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

/** Namespaces under kubernetes.io / k8s.io the NodeRestriction admission plugin lets a kubelet set. */
const KUBELET_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];
const KUBELET_LABELS = [
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'beta.kubernetes.io/os',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'kubernetes.io/arch',
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'node.kubernetes.io/instance-type',
  'node.kubernetes.io/windows-build',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
];

/** Kubernetes' qualified-name part and label value (also the chart joins labels with `,` and `=` inside quotes). */
const NAME_PART = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

function isQualifiedName(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return NAME_PART.test(key);
  const prefix = key.slice(0, slash);
  const name = key.slice(slash + 1);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && NAME_PART.test(name);
}

function isLabelValue(value: string): boolean {
  return value === '' || NAME_PART.test(value);
}

function isRestricted(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return false;
  const prefix = key.slice(0, slash);
  return prefix === 'kubernetes.io' || prefix === 'k8s.io' || prefix.endsWith('.kubernetes.io') || prefix.endsWith('.k8s.io');
}

/** Magnum's NodeGroupInvalidInput message: `<attr> for <group> is invalid (<why>).` */
function invalid(attr: string, group: NodeGroup, why: string, field: string): MagnumRuleViolation {
  return new MagnumRuleViolation(`${attr} for ${group.name} is invalid (${why}).`, field);
}

const SYNTAX = 'letters, digits, - _ . (at most 63, starting and ending with a letter or digit)';

/** The group's labels, checked; `field` is the group's path in the spec (`nodegroups.<i>`). */
export function nodeLabelsOf(group: NodeGroup, field: string): NodeLabels {
  const labels = group.node_labels ?? {};
  const keys = Object.keys(labels);
  if (keys.length > 0 && group.role === 'master') {
    throw invalid('node_labels', group, 'node_labels may not be set on master nodegroups', `${field}.node_labels`);
  }
  for (const key of keys) {
    const at = `${field}.node_labels.${key}`;
    if (!isQualifiedName(key)) {
      throw invalid('node_labels', group, `node label key '${key}' is not a Kubernetes label name: an optional DNS prefix and /, then ${SYNTAX}`, at);
    }
    if (!isLabelValue(labels[key]!)) {
      throw invalid('node_labels', group, `node label '${key}' has value '${labels[key]}'; a label value is empty or ${SYNTAX}`, at);
    }
    if (isRestricted(key) && !KUBELET_NAMESPACES.includes(key.split('/')[0]!) && !KUBELET_LABELS.includes(key)) {
      throw invalid(
        'node_labels',
        group,
        `node label '${key}' is in a restricted Kubernetes namespace; the kubelet will refuse to start. Labels in the kubernetes.io/ and k8s.io/ namespaces must use one of the allowed prefixes (${KUBELET_NAMESPACES.join(', ')}) or be one of the allowed labels (${KUBELET_LABELS.join(', ')})`,
        at,
      );
    }
  }
  return labels;
}

/** The group's taints, checked, in Kubernetes' shape (no `value` key when Magnum has none). */
export function nodeTaintsOf(group: NodeGroup, field: string): Taint[] {
  const taints = group.node_taints ?? [];
  if (taints.length > 0 && group.role === 'master') {
    throw invalid('node_taints', group, 'node_taints may not be set on master nodegroups', `${field}.node_taints`);
  }
  const seen = new Set<string>();
  return taints.map((taint, i) => {
    const at = `${field}.node_taints.${i}`;
    const unknown = Object.keys(taint).filter((k) => !TAINT_FIELDS.includes(k)).sort();
    if (unknown.length > 0) {
      throw invalid('node_taints', group, `node_taints[${i}] contains unrecognised field(s) ${unknown.join(', ')}; allowed fields are ${TAINT_FIELDS.join(', ')}`, at);
    }
    const { key, value, effect } = taint;
    if (!key) throw invalid('node_taints', group, `node_taints[${i}].key is required`, `${at}.key`);
    const known = TAINT_EFFECTS.find((e) => e === effect);
    if (!known) throw invalid('node_taints', group, `node_taints[${i}].effect must be one of ${TAINT_EFFECTS.join(', ')}`, `${at}.effect`);
    if (!isQualifiedName(key)) {
      throw invalid('node_taints', group, `node_taints[${i}].key '${key}' is not a Kubernetes taint key: an optional DNS prefix and /, then ${SYNTAX}`, `${at}.key`);
    }
    if (value !== undefined && !isLabelValue(value)) {
      throw invalid('node_taints', group, `node_taints[${i}].value '${value}' is not a Kubernetes taint value: empty or ${SYNTAX}`, `${at}.value`);
    }
    // The API server refuses a Node with two taints of one key and effect, so the node would never register.
    if (seen.has(`${key}:${known}`)) throw invalid('node_taints', group, `node_taints[${i}] repeats key '${key}' with effect ${known}`, at);
    seen.add(`${key}:${known}`);
    return value === undefined || value === '' ? { key, effect: known } : { key, value, effect: known };
  });
}
