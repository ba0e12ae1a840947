/**
 * Running the helm binary: an argv array through execa, never a shell; values
 * on stdin. "helm missing" and "helm failed" are different errors, and helm's
 * stderr is redacted before it becomes a message.
 */
import { execa } from 'execa';
import { HelmFailed, HelmUnavailable } from '../errors.js';
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
}

/** helm refused because another operation holds the release: retrying later can succeed. */
export class HelmReleaseLocked extends HelmFailed {}

const LOCKED = /another operation \(install\/upgrade\/rollback\) is in progress/i;

export async function runHelm(args: string[], opts: RunOptions): Promise<string> {
  const argv = opts.kubeconfig ? [...args, '--kubeconfig', opts.kubeconfig] : args;
  const child = execa(opts.binary, argv, {
    input: opts.input ?? '',
    reject: false,
    shell: false,
    stripFinalNewline: true,
    timeout: opts.timeoutMs,
    // helm's own config and cache stay where HOME says; nothing else leaks in.
    extendEnv: true,
  });
  opts.onSpawn?.(child.pid);
  const result = await child;
  const code = (result as { code?: string }).code;
  if (result.failed && (code === 'ENOENT' || code === 'EACCES')) {
    throw new HelmUnavailable(`helm not installed at ${opts.binary} (${code})`);
  }
  if (result.exitCode !== 0) {
    const why = result.timedOut ? 'timed out' : result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
    const stderr = redact(String(result.stderr ?? '').trim(), opts.secrets);
    const message = `helm ${args[0]} ${why}: ${stderr || '(no output)'}`;
    throw LOCKED.test(stderr) ? new HelmReleaseLocked(message) : new HelmFailed(message);
  }
  return String(result.stdout ?? '');
}
