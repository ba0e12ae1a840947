/**
 * The cluster's own networks (vexxhost's label names): the pod range
 * (`calico_ipv4pool` or `cilium_ipv4pool`, whichever matches the CNI), the
 * Service range (`service_cluster_ip_range`), the cluster DNS domain
 * (`dns_cluster_domain`) and extra names in the API server's certificate
 * (`api_server_cert_sans`). The chart writes `kubeNetwork` into the Cluster's
 * spec.clusterNetwork, which kubeadm and both CNIs read.
 */
import { isIP } from 'node:net';
import { InvalidLabel, MagnumRuleViolation } from '../errors.js';
import { overlaps, parseCidr, type Cidr } from '../magnum/cidr.js';
import { cniType } from './addons.js';
import { networkingValues } from './cluster.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

/** What every chart version renders when the labels are unset (its values.yaml). */
export const CHART_NETWORK_DEFAULTS = { pods: '172.16.0.0/13', services: '172.24.0.0/13', serviceDomain: 'cluster.local' } as const;
/** The node network's default, as networkingValues renders it. */
const NODE_CIDR_DEFAULT = '10.0.0.0/24';

export const POD_POOL_LABELS = { calico: 'calico_ipv4pool', cilium: 'cilium_ipv4pool' } as const;

/**
 * kube-apiserver refuses a Service range wider than /12; kube-controller-manager
 * hands each node a /24 of the pod range, so the range must be at least that.
 */
const SERVICE_MIN_PREFIX = 12;
const POD_MAX_PREFIX = 24;

const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A DNS subdomain as Kubernetes validates it: lower-case labels joined by dots, 253 at most. */
const DNS_NAME = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const SAN_NAME = new RegExp(`^(?:\\*\\.)?${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

function ipv4Range(ctx: RenderContext, label: string, what: string, test: (c: Cidr) => boolean): Cidr | undefined {
  const raw = ctx.labels.raw(label);
  if (raw === undefined) return undefined;
  const cidr = parseCidr(raw);
  if (!cidr || cidr.family !== 4 || cidr.hostBitsSet || !test(cidr)) throw new InvalidLabel(label, what, raw);
  return cidr;
}

/** The CNI the chart installs: the template's network driver, else the chart's default, calico. */
function podPoolLabel(ctx: RenderContext): string {
  return POD_POOL_LABELS[cniType(ctx) ?? 'calico'];
}

function podRanges(ctx: RenderContext): { label: string; cidr: Cidr | undefined } {
  const what = `an IPv4 network such as 10.100.0.0/16 (host bits zero, prefix at most /${POD_MAX_PREFIX})`;
  const pools = Object.fromEntries(
    Object.values(POD_POOL_LABELS).map((label) => [label, ipv4Range(ctx, label, what, (c) => c.prefix <= POD_MAX_PREFIX)]),
  );
  // Both are checked; only the one of the CNI the cluster runs takes effect.
  const label = podPoolLabel(ctx);
  return { label, cidr: pools[label] };
}

function serviceDomain(ctx: RenderContext): string | undefined {
  const raw = ctx.labels.raw('dns_cluster_domain');
  if (raw === undefined) return undefined;
  if (raw.length > 253 || !DNS_NAME.test(raw)) throw new InvalidLabel('dns_cluster_domain', 'a DNS domain such as cluster.local (lower-case letters, digits, - and .)', raw);
  return raw;
}

function certSans(ctx: RenderContext): string[] | undefined {
  const raw = ctx.labels.raw('api_server_cert_sans');
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = items.find((s) => isIP(s) === 0 && (s.length > 253 || !SAN_NAME.test(s)));
  if (bad !== undefined || items.length === 0) {
    const which = bad === undefined ? '' : `; ${JSON.stringify(bad)} is neither`;
    throw new InvalidLabel('api_server_cert_sans', `a comma-separated list of DNS names and IP addresses${which}`, raw);
  }
  return [...new Set(items)];
}

interface NamedRange {
  name: string;
  cidr: Cidr;
  /** A pod or Service range the labels set (not the chart's default). */
  chosen?: boolean;
}

/** The node range counts only when the chart creates the network: a fixed network's subnet is Neutron's, not a label's. */
function nodeRange(ctx: RenderContext): NamedRange | null {
  const internal = (networkingValues(ctx).clusterNetworking as { internalNetwork: { networkFilter: unknown; subnetFilter: unknown; nodeCidr: string } }).internalNetwork;
  if (internal.networkFilter || internal.subnetFilter) return null;
  const set = ctx.labels.raw('fixed_subnet_cidr') !== undefined;
  const cidr = parseCidr(internal.nodeCidr);
  return cidr ? { name: set ? 'fixed_subnet_cidr' : `fixed_subnet_cidr (default ${NODE_CIDR_DEFAULT})`, cidr } : null;
}

function checkOverlaps(ranges: NamedRange[]): void {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const [a, b] = [ranges[i]!, ranges[j]!];
      // Clusters made before these labels keep their node network against the chart's defaults: only a chosen range is judged.
      if (!(a.chosen || b.chosen) || !overlaps(a.cidr, b.cidr)) continue;
      const label = [a, b].find((r) => !r.name.includes(' ')) ?? a;
      // The reason first, without a full stop: Magnum shows the text up to its first one as the title.
      throw new MagnumRuleViolation(`labels ${a.name} and ${b.name} must not overlap: ${a.cidr.text} and ${b.cidr.text}`, `labels.${label.name}`);
    }
  }
}

export function clusterNetworkValues(ctx: RenderContext): Values {
  const pods = podRanges(ctx);
  const services = ipv4Range(ctx, 'service_cluster_ip_range', `an IPv4 network such as 10.254.0.0/16 (host bits zero, prefix at least /${SERVICE_MIN_PREFIX})`, (c) => c.prefix >= SERVICE_MIN_PREFIX);
  const domain = serviceDomain(ctx);
  const sans = certSans(ctx);

  const named = (label: string, cidr: Cidr | undefined, fallback: string): NamedRange => ({
    name: cidr ? label : `${label} (default ${fallback})`,
    cidr: cidr ?? parseCidr(fallback)!,
    chosen: cidr !== undefined,
  });
  const node = nodeRange(ctx);
  checkOverlaps([
    named(pods.label, pods.cidr, CHART_NETWORK_DEFAULTS.pods),
    named('service_cluster_ip_range', services, CHART_NETWORK_DEFAULTS.services),
    ...(node ? [node] : []),
  ]);

  const out: Values = {};
  const kubeNetwork: Values = {};
  if (pods.cidr) kubeNetwork.pods = { cidrBlocks: [pods.cidr.text] };
  if (services) kubeNetwork.services = { cidrBlocks: [services.text] };
  if (domain) kubeNetwork.serviceDomain = domain;
  if (Object.keys(kubeNetwork).length > 0) out.kubeNetwork = kubeNetwork;
  if (sans) out.controlPlane = { kubeadmConfigSpec: { clusterConfiguration: { apiServer: { certSANs: sans } } } };
  return out;
}
