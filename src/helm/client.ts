/**
 * The real Helm: each method runs one helm command through `runHelm` and
 * parses its answer. Deciding whether to run it lives in `releases.ts`.
 */
import { HelmFailed } from '../errors.js';
import { historyArgs, rollbackArgs, templateArgs, uninstallArgs, upgradeInstallArgs } from './args.js';
import { runHelm, type RunOptions } from './run.js';
import type { Helm, HelmVersion, RegistryAccess, ReleaseInfo, ReleaseRevision, ReleaseStatus, UpgradeRequest } from './types.js';

export interface HelmOptions {
  binary: string;
  kubeconfig?: string | undefined;
  timeoutSeconds: number;
  /** Resolves a chart to a cached archive path (or undefined for local charts). */
  archiveFor?: (req: UpgradeRequest) => Promise<string | undefined>;
  /** How to reach an OCI registry when a chart has no archive. */
  registry?: RegistryAccess;
  onSpawn?: RunOptions['onSpawn'];
  onRun?: RunOptions['onRun'];
}

const STATUSES: readonly ReleaseStatus[] = ['deployed', 'failed', 'pending-install', 'pending-upgrade', 'pending-rollback', 'uninstalling', 'superseded', 'uninstalled'];

export function parseStatus(raw: unknown): ReleaseStatus {
  const s = String(raw ?? '').toLowerCase();
  return (STATUSES as readonly string[]).includes(s) ? (s as ReleaseStatus) : 'unknown';
}

/** Strings inside the values that must never appear in an error (credentials a values file may carry). */
function secretsIn(values: unknown, out: string[] = []): string[] {
  if (typeof values === 'string') {
    if (/BEGIN [A-Z ]*KEY|application_credential_secret|password/i.test(values)) out.push(values);
  } else if (values && typeof values === 'object') {
    for (const v of Object.values(values)) secretsIn(v, out);
  }
  return out;
}

const NOT_FOUND = /release: not found/i;

export function createHelmClient(opts: HelmOptions): Helm {
  const base = { binary: opts.binary, kubeconfig: opts.kubeconfig, timeoutMs: (opts.timeoutSeconds + 30) * 1000, onSpawn: opts.onSpawn, onRun: opts.onRun };

  async function detectVersion(): Promise<HelmVersion> {
    const full = (await runHelm(['version', '--template', '{{.Version}}'], { ...base, kubeconfig: undefined })).trim();
    const m = /^v(\d+)\./.exec(full);
    if (!m) throw new HelmFailed(`helm version printed ${JSON.stringify(full)}`);
    return { major: Number(m[1]), full };
  }
  // Detected once; a failure (helm missing) is not kept, so a fixed install is found.
  let detected: Promise<HelmVersion> | undefined;
  const version = (): Promise<HelmVersion> => {
    if (!detected) {
      detected = detectVersion();
      detected.catch(() => (detected = undefined));
    }
    return detected;
  };

  return {
    async upgradeInstall(req: UpgradeRequest): Promise<ReleaseInfo> {
      const archive = await opts.archiveFor?.(req);
      const { major } = await version();
      const out = await runHelm(upgradeInstallArgs(req, req.chart, opts.timeoutSeconds, archive, major, opts.registry), {
        ...base,
        input: JSON.stringify(req.values),
        secrets: secretsIn(req.values),
      });
      let parsed: { version?: number; info?: { status?: string } };
      try {
        parsed = JSON.parse(out) as typeof parsed;
      } catch {
        throw new HelmFailed(`helm upgrade printed no JSON release for ${req.namespace}/${req.release}`);
      }
      return { release: req.release, namespace: req.namespace, revision: parsed.version ?? 0, status: parseStatus(parsed.info?.status) };
    },

    async uninstall(ref) {
      try {
        await runHelm(uninstallArgs(ref, opts.timeoutSeconds), base);
        return { existed: true };
      } catch (err) {
        if (err instanceof HelmFailed && NOT_FOUND.test(err.message)) return { existed: false };
        throw err;
      }
    },

    async history(ref): Promise<ReleaseRevision[]> {
      let out: string;
      try {
        out = await runHelm(historyArgs(ref), base);
      } catch (err) {
        if (err instanceof HelmFailed && NOT_FOUND.test(err.message)) return [];
        throw err;
      }
      const rows = JSON.parse(out || '[]') as { revision: number; status: string; chart: string; description?: string }[];
      return rows.map((r) => ({ revision: r.revision, status: parseStatus(r.status), chart: r.chart, description: r.description ?? '' }));
    },

    async rollback(ref, revision) {
      const { major } = await version();
      await runHelm(rollbackArgs(ref, revision, opts.timeoutSeconds, major), base);
    },

    async template(req) {
      const archive = await opts.archiveFor?.(req);
      return runHelm(templateArgs(req, req.chart, archive, opts.registry), { ...base, kubeconfig: undefined, input: JSON.stringify(req.values), secrets: secretsIn(req.values) });
    },

    version,
  };
}
