/**
 * argv for each helm command, as pure functions (tested by table). Release
 * and namespace names are checked here too, so nothing user-shaped can be
 * taken by helm for a flag.
 */
import { InvalidInput } from '../errors.js';
import { isReleaseName } from '../magnum/names.js';
import { CHART_VERSION } from '../values/chart-versions.js';
import { chartSource, registryArgs } from './chart-source.js';
import type { ChartRef, RegistryAccess, ReleaseRef } from './types.js';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkRef(ref: ReleaseRef): void {
  if (!isReleaseName(ref.release)) throw new InvalidInput(`release name ${JSON.stringify(ref.release)} is not a valid helm release name`, 'cluster.stack_id');
  if (!NAMESPACE.test(ref.namespace)) throw new InvalidInput(`namespace ${JSON.stringify(ref.namespace)} is not a valid namespace`, 'cluster.project_id');
}

/**
 * The chart operand: the cached archive when there is one, else the source
 * with its version. A repository or registry always gets `--version`: without
 * it helm takes whatever is newest there.
 */
function chartArgs(chart: ChartRef, archive?: string, registry?: RegistryAccess): string[] {
  if (archive) return [archive];
  const source = chartSource(chart);
  // A local chart directory carries its own version.
  if (source.kind === 'local') return [source.path];
  if (!CHART_VERSION.test(chart.version)) throw new InvalidInput(`chart version ${JSON.stringify(chart.version)} is not a version`, 'cluster_template.labels.capi_helm_chart_version');
  if (source.kind === 'oci') return [source.reference, '--version', chart.version, ...registryArgs(source, registry)];
  return [source.name, '--repo', source.repo, '--version', chart.version];
}

/**
 * How helm applies objects. helm 4 applies server-side by default for a new
 * release, and then refuses an upgrade that sets a field another manager
 * changed since (`kubectl scale` of a MachineDeployment, say: "Apply failed
 * with 1 conflict ... .spec.replicas"). helm 3 and the Python driver apply
 * client-side (a three-way merge, where the chart's change wins), so helm 4
 * is told to do the same: one behaviour whichever helm installed a release.
 */
function applyArgs(helmMajor: number): string[] {
  return helmMajor >= 4 ? ['--server-side=false'] : [];
}

/**
 * helm's OpenAPI step checks nothing here. Before applying, helm asks whether the API server
 * validates fields itself (every server since Kubernetes 1.27 does; the chart needs 1.30) and, if
 * so, skips its own check; but asking means downloading and parsing the server's OpenAPI document
 * of every group it applies, and Cluster API's and CAPO's are megabytes. Skipping it cuts helm 3's
 * CPU per upgrade of the real chart to about a third (bench/helm-cpu.ts; figures in the README),
 * for the same outcome: the API server refuses a type error with the same message and drops an
 * unknown field with the same warning (test/integration/helm).
 */
export const SERVER_VALIDATES = '--disable-openapi-validation';

/**
 * `archive` is the cached chart archive when there is one; `helmMajor` the detected helm's major
 * version; `registry` how to reach an OCI registry when there is no archive.
 */
export function upgradeInstallArgs(ref: ReleaseRef, chart: ChartRef, timeoutSeconds: number, archive?: string, helmMajor = 3, registry?: RegistryAccess): string[] {
  checkRef(ref);
  return [
    'upgrade', ref.release, ...chartArgs(chart, archive, registry),
    '--install',
    '--history-max', '10',
    SERVER_VALIDATES,
    '--output', 'json',
    '--timeout', `${timeoutSeconds}s`,
    '--namespace', ref.namespace,
    '--values', '-',
    ...applyArgs(helmMajor),
  ];
}

export function templateArgs(ref: ReleaseRef, chart: ChartRef, archive?: string, registry?: RegistryAccess): string[] {
  checkRef(ref);
  return ['template', ref.release, ...chartArgs(chart, archive, registry), '--namespace', ref.namespace, '--values', '-'];
}

export function uninstallArgs(ref: ReleaseRef, timeoutSeconds: number): string[] {
  checkRef(ref);
  return ['uninstall', ref.release, '--namespace', ref.namespace, '--timeout', `${timeoutSeconds}s`];
}

export function historyArgs(ref: ReleaseRef): string[] {
  checkRef(ref);
  return ['history', ref.release, '--namespace', ref.namespace, '--output', 'json', '--max', '20'];
}

export function rollbackArgs(ref: ReleaseRef, revision: number, timeoutSeconds: number, helmMajor = 3): string[] {
  checkRef(ref);
  return ['rollback', ref.release, String(revision), '--namespace', ref.namespace, '--timeout', `${timeoutSeconds}s`, '--history-max', '10', ...applyArgs(helmMajor)];
}

export function pullArgs(chart: ChartRef, destination: string, registry?: RegistryAccess): string[] {
  return ['pull', ...chartArgs(chart, undefined, registry), '--destination', destination];
}
