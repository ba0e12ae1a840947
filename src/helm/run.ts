/**
 * Running the helm binary: an argv array through execa, never a shell; values
 * on stdin. "helm missing" and "helm failed" are different errors, and helm's
 * stderr is redacted before it becomes a message.
 */
import { execa } from 'execa';
import { HelmFailed, HelmReleaseLocked, HelmUnavailable } from '../errors.js';
import { redact } from './redact.js';

export interface RunOptions {
  binary: string;
  kubeconfig?: string | undefined;
  /** Written to helm's stdin (values as JSON). */
  input?: string;
  /** Secret strings to scrub from any error text. */
  secrets?: readonly string[];
  timeoutMs?: number;
  /** Called with the child's pid, so tests can simulate a crash mid-operation. */
  onSpawn?: (pid: number | undefined) => void;
  /** Told of every finished run, for metrics. */
  onRun?: HelmRunObserver;
}

/**
 * How a helm run ended. `not_found` is helm's "release: not found", which
 * callers of uninstall and history take as an answer, not a failure.
 */
export type HelmOutcome = 'success' | 'not_found' | 'failure';

/** Why a run failed, in a word that keeps a metric's label set small; `none` unless it failed. */
export type HelmFailureReason = 'none' | 'release_locked' | 'timeout' | 'killed' | 'helm_missing' | 'exit_error';

export interface HelmRun {
  /** helm's subcommand: upgrade, uninstall, history, rollback, template, pull, show, version, get; upgrade-dry-run for a preview. */
  command: string;
  seconds: number;
  outcome: HelmOutcome;
  reason: HelmFailureReason;
}

export type HelmRunObserver = (run: HelmRun) => void;

/**
 * Variables of the sidecar's own environment that would send helm somewhere
 * other than the management cluster the watches read, or change where it keeps
 * releases: another kubeconfig, context, API server, token or impersonated
 * user, another storage driver, another namespace. HELM_DEBUG goes too: its
 * output lands in error messages. Helm's config, cache and data directories
 * (HELM_*_HOME, HELM_REPOSITORY_*, HELM_REGISTRY_CONFIG), HOME, PATH and the
 * proxy variables stay.
 */
const FOREIGN = /^(KUBECONFIG|HELM_KUBE[A-Z_]*|HELM_DRIVER[A-Z_]*|HELM_NAMESPACE|HELM_DEBUG)$/;

/** The environment helm runs with: the sidecar's, without the variables that would retarget it. */
export function helmEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !FOREIGN.test(name)) out[name] = value;
  return out;
}


const LOCKED = /another operation \(install\/upgrade\/rollback\) is in progress/i;
const NOT_FOUND = /release: not found/i;

/** A run's command for metrics: helm's subcommand, but a preview's dry run apart from the upgrades that write. */
export function commandOf(args: readonly string[]): string {
  return args[0] === 'upgrade' && args.includes('--dry-run=server') ? 'upgrade-dry-run' : (args[0] ?? '');
}

export async function runHelm(args: string[], opts: RunOptions): Promise<string> {
  const argv = opts.kubeconfig ? [...args, '--kubeconfig', opts.kubeconfig] : args;
  const started = performance.now();
  const report = (outcome: HelmOutcome, reason: HelmFailureReason) =>
    opts.onRun?.({ command: commandOf(args), seconds: (performance.now() - started) / 1000, outcome, reason });
  const child = execa(opts.binary, argv, {
    input: opts.input ?? '',
    reject: false,
    shell: false,
    stripFinalNewline: true,
    timeout: opts.timeoutMs,
    // Only `--kubeconfig` (or, without one, the pod's service account) says which cluster helm talks to.
    extendEnv: false,
    env: helmEnvironment(),
  });
  opts.onSpawn?.(child.pid);
  const result = await child;
  const code = (result as { code?: string }).code;
  if (result.failed && (code === 'ENOENT' || code === 'EACCES')) {
    report('failure', 'helm_missing');
    throw new HelmUnavailable(`helm not installed at ${opts.binary} (${code})`);
  }
  if (result.exitCode !== 0) {
    const why = result.timedOut ? 'timed out' : result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
    const stderr = redact(String(result.stderr ?? '').trim(), opts.secrets);
    const message = `helm ${args[0]} ${why}: ${stderr || '(no output)'}`;
    const locked = LOCKED.test(stderr);
    if (result.timedOut) report('failure', 'timeout');
    else if (result.signal) report('failure', 'killed');
    else if (locked) report('failure', 'release_locked');
    else if (NOT_FOUND.test(stderr)) report('not_found', 'none');
    else report('failure', 'exit_error');
    throw locked ? new HelmReleaseLocked(message) : new HelmFailed(message);
  }
  report('success', 'none');
  return String(result.stdout ?? '');
}
