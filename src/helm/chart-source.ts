/**
 * Where a chart comes from, decided once from the site's `chart.repo` and
 * `chart.name` (pure, tested by table): a classic HTTP repository
 * (`--repo URL --version V`), an OCI registry (`oci://host/path/<name>
 * --version V`, as helm takes it), or a local directory or archive, which
 * alone carries its own version.
 */
import type { ChartRef, RegistryAccess } from './types.js';

export type ChartSource =
  | { kind: 'repository'; repo: string; name: string }
  | { kind: 'oci'; reference: string }
  | { kind: 'local'; path: string };

const OCI = 'oci://';

export function isOciReference(s: string): boolean {
  return s.startsWith(OCI);
}

/**
 * `repo: oci://host/path` with `name: openstack-cluster` is helm's
 * `oci://host/path/openstack-cluster`; an empty repo with a full `oci://`
 * reference as the name is the same chart, never a local path.
 */
export function chartSource(chart: Pick<ChartRef, 'repo' | 'name'>): ChartSource {
  if (isOciReference(chart.repo)) return { kind: 'oci', reference: `${chart.repo.replace(/\/+$/, '')}/${chart.name}` };
  if (chart.repo) return { kind: 'repository', repo: chart.repo, name: chart.name };
  if (isOciReference(chart.name)) return { kind: 'oci', reference: chart.name };
  return { kind: 'local', path: chart.name };
}

/** What names one chart archive: the chart's reference and version (a local chart has neither). */
export function archiveKey(chart: ChartRef): string | undefined {
  const source = chartSource(chart);
  switch (source.kind) {
    case 'repository':
      return `${source.repo}\n${source.name}\n${chart.version}`;
    case 'oci':
      return `${source.reference}\n${chart.version}`;
    case 'local':
      return undefined;
  }
}

/** helm's flags for reaching an OCI registry; none for any other source. */
export function registryArgs(source: ChartSource, access: RegistryAccess | undefined): string[] {
  if (source.kind !== 'oci' || !access) return [];
  return [...(access.plainHttp ? ['--plain-http'] : []), ...(access.registryConfig ? ['--registry-config', access.registryConfig] : [])];
}
