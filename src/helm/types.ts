/** The helm operations the sidecar uses, as typed input and output. */

export interface ReleaseRef {
  release: string;
  namespace: string;
}

/**
 * `repo` is an http(s) chart repository or an `oci://host/path` registry; empty,
 * `name` is a full `oci://` reference or else a local chart directory or archive
 * (see chart-source.ts).
 */
export interface ChartRef {
  repo: string;
  name: string;
  version: string;
}

/** How helm reaches an OCI registry: the site's `chart.plainHttp` and `chart.registryConfig`. */
export interface RegistryAccess {
  /** Plain HTTP instead of TLS (a registry on loopback; never a production one). */
  plainHttp?: boolean | undefined;
  /** helm's `--registry-config`: the credentials file (docker's config.json format); helm reads it, the sidecar never does. */
  registryConfig?: string | undefined;
}

export interface UpgradeRequest extends ReleaseRef {
  chart: ChartRef;
  values: Record<string, unknown>;
}

/** Helm's release states that matter to us; anything else is `other`. */
export type ReleaseStatus =
  | 'deployed'
  | 'failed'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback'
  | 'uninstalling'
  | 'superseded'
  | 'uninstalled'
  | 'unknown';

export interface ReleaseRevision {
  revision: number;
  status: ReleaseStatus;
  chart: string;
  /** helm's own words for the revision (its failure, for a failed one). */
  description?: string;
}

export interface ReleaseInfo extends ReleaseRef {
  revision: number;
  status: ReleaseStatus;
}

export interface HelmVersion {
  major: number;
  full: string;
}

/** One method per helm command; each builds argv, runs helm, parses the answer. */
export interface Helm {
  upgradeInstall(req: UpgradeRequest): Promise<ReleaseInfo>;
  /** `existed: false` when helm says the release was not found. */
  uninstall(ref: ReleaseRef): Promise<{ existed: boolean }>;
  history(ref: ReleaseRef): Promise<ReleaseRevision[]>;
  rollback(ref: ReleaseRef, revision: number): Promise<void>;
  template(req: UpgradeRequest): Promise<string>;
  version(): Promise<HelmVersion>;
}
