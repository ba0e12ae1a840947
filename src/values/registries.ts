/**
 * Private registries and air-gapped clouds: where nodes pull images from.
 *
 * `container_infra_prefix` (a registry host with an optional path, vexxhost's
 * and Magnum's name) mirrors every upstream registry the chart and its addons
 * pull from: `docker.io/library/nginx` is looked for at
 * `<prefix>/docker.io/library/nginx` first. The site's `registryMirrors` come
 * after it, `trustedCAs` join every node's trust store, and `registryAuth`
 * (read from files at start-up, see layers.ts) lets containerd log in. A
 * registry is reached insecurely only when the site lists it in
 * `insecureRegistries`.
 */
import type { Config } from '../config.js';
import { InvalidLabel } from '../errors.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

/** Every registry the chart's images and its addons' images come from (its own registryMirrors keys). */
export const UPSTREAM_REGISTRIES = ['docker.io', 'ghcr.io', 'quay.io', 'registry.k8s.io', 'nvcr.io'] as const;

const HOST = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::\\d{1,5})?';
/** Path components as OCI distribution allows them in a repository name. */
const PREFIX = new RegExp(`^(?:(https?)://)?(${HOST})((?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)/?$`);
const PREFIX_WHAT = 'a registry host with an optional path, such as registry.example.com:5000/mirror';

interface ChartMirror {
  url: string;
  capabilities?: string[];
  skipVerify?: boolean;
  overridePath?: boolean;
}

type SiteMirror = Config['registryMirrors'][string][number];

function hostOf(url: string): string {
  return new URL(url).host;
}

/** The label's mirror of each upstream registry, in the layout `<prefix>/<upstream>/<repository>`. */
function prefixMirrors({ labels, site }: RenderContext): Map<string, ChartMirror> {
  const raw = labels.raw('container_infra_prefix');
  const out = new Map<string, ChartMirror>();
  if (raw === undefined) return out;
  const m = PREFIX.exec(raw);
  if (!m) throw new InvalidLabel('container_infra_prefix', PREFIX_WHAT, raw);
  const [, scheme, host, path] = m as unknown as [string, string | undefined, string, string];
  const insecure = site.insecureRegistries.includes(host);
  if (scheme === 'http' && !insecure) {
    throw new InvalidLabel('container_infra_prefix', `${PREFIX_WHAT} served over https (plain HTTP only for a registry the site lists in insecureRegistries)`, raw);
  }
  for (const upstream of UPSTREAM_REGISTRIES) {
    // With overridePath, containerd takes the URL as the registry's API root and appends `/<repository>/manifests/…`.
    const mirror: ChartMirror = { url: `${scheme ?? 'https'}://${host}/v2${path}/${upstream}`, overridePath: true };
    if (insecure) mirror.skipVerify = true;
    out.set(upstream, mirror);
  }
  return out;
}

function siteMirror(m: SiteMirror, insecure: readonly string[]): ChartMirror {
  const mirror: ChartMirror = typeof m === 'string' ? { url: m } : { ...m };
  if (insecure.includes(hostOf(mirror.url))) mirror.skipVerify = true;
  return mirror;
}

export function registryValues(ctx: RenderContext): Values {
  const { site } = ctx;
  const fromLabel = prefixMirrors(ctx);
  const upstreams = new Set([...fromLabel.keys(), ...Object.keys(site.registryMirrors)]);
  const out: Values = {};
  if (upstreams.size > 0) {
    // Each named registry replaces the chart's default mirrors of it (quay.io/azimuth); the others keep theirs.
    out.registryMirrors = Object.fromEntries(
      [...upstreams].map((upstream) => {
        const mirrors = [fromLabel.get(upstream), ...(site.registryMirrors[upstream] ?? []).map((m) => siteMirror(m, site.insecureRegistries))];
        return [upstream, { mirrors: mirrors.filter((m): m is ChartMirror => m !== undefined) }];
      }),
    );
  }
  if (Object.keys(site.trustedCAs).length > 0) out.trustedCAs = { ...site.trustedCAs };
  return out;
}

/** Registry passwords, once read: the values layer that carries them (`registryAuth` in the chart's shape). */
export function registryAuthValues(site: Config, passwords: Record<string, string>): Values {
  const hosts = Object.keys(site.registryAuth);
  if (hosts.length === 0) return {};
  return { registryAuth: Object.fromEntries(hosts.map((h) => [h, { username: site.registryAuth[h]!.username, password: passwords[h] }])) };
}

/**
 * The values as a dry run may show them: registry passwords replaced. helm
 * needs them in the values (the chart writes containerd's auth file from
 * them), and keeps them in its release record, a Secret; nowhere else.
 */
export function withoutRegistryPasswords(values: Values): Values {
  const auth = values.registryAuth as Record<string, Values> | undefined;
  if (!auth) return values;
  return { ...values, registryAuth: Object.fromEntries(Object.entries(auth).map(([h, a]) => [h, { ...a, password: '[redacted]' }])) };
}
