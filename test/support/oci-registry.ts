/**
 * A real OCI registry on loopback: distribution's registry
 * (github.com/distribution/distribution/v3), built once by
 * scripts/oci-registry/build.sh, listening on 127.0.0.1 only, its storage in a
 * temporary folder, holding the packaged real charts pushed with `helm push`.
 * Plain HTTP, as helm's `--plain-http` reaches it; with `credentials` it asks
 * for them (htpasswd basic auth), as a site's private registry does.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartArchive, packagedVersions } from './chart-repo.js';

const ROOT = join(import.meta.dirname, '../..');

/** The script that builds the registry, relative to the project root. */
export const OCI_REGISTRY_BUILD = 'scripts/oci-registry/build.sh';

/** Builds the registry the first time (minutes), then answers from the cache; the binary's path. */
export async function buildOciRegistry(log: (line: string) => void = () => {}): Promise<string> {
  const child = execa('bash', [join(ROOT, OCI_REGISTRY_BUILD)], { stdout: 'pipe', stderr: 'pipe' });
  child.stderr?.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  const { stdout } = await child;
  return stdout.trim().split('\n').at(-1) ?? '';
}

export interface Credentials {
  username: string;
  password: string;
}

export interface OciRegistry {
  /** `host:port`, as helm names a registry. */
  host: string;
  /** Where the charts were pushed: `oci://host:port/charts`, a site's `chart.repo`. */
  repo: string;
  /** Versions pushed, newest first. */
  versions: string[];
  /** The registry's own log so far (access lines included), to show what was pulled. */
  log(): string;
  close(): Promise<void>;
}

/** A docker config.json as helm's `--registry-config` reads it, for `credentials` at `host`. */
export function registryConfigFor(host: string, credentials: Credentials): string {
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return JSON.stringify({ auths: { [host]: { auth } } });
}

/**
 * Variables the registry would read as configuration (REGISTRY_*) are dropped; OpenTelemetry's
 * exporter is turned off, which otherwise sends traces to localhost:4318.
 */
function registryEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('REGISTRY_') && !k.startsWith('OTEL_')) env[k] = v;
  return { ...env, OTEL_TRACES_EXPORTER: 'none' };
}

/**
 * Starts the registry on a port it picks on 127.0.0.1 and pushes every packaged
 * version in `chartsDir` with `helm` (a relative path from the project root or absolute).
 */
export async function startOciRegistry(binary: string, chartsDir: string, opts: { helm?: string; credentials?: Credentials } = {}): Promise<OciRegistry> {
  const work = mkdtempSync(join(tmpdir(), 'mcs-oci-'));
  const config = [
    'version: 0.1',
    'log:',
    '  level: info',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(join(work, 'data'))}`,
    'http:',
    // Loopback only; port 0 lets the kernel pick, and the log says which.
    '  addr: 127.0.0.1:0',
  ];
  if (opts.credentials) {
    const line = await execa(binary, ['htpasswd', opts.credentials.username], { input: `${opts.credentials.password}\n` });
    writeFileSync(join(work, 'htpasswd'), `${line.stdout.trim()}\n`, { mode: 0o600 });
    config.push('auth:', '  htpasswd:', '    realm: mcs-test', `    path: ${JSON.stringify(join(work, 'htpasswd'))}`);
  }
  writeFileSync(join(work, 'config.yml'), `${config.join('\n')}\n`);

  let output = '';
  const child: ResultPromise = execa(binary, ['serve', join(work, 'config.yml')], { env: registryEnvironment(), extendEnv: false, reject: false, all: true });
  child.all?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    child.kill('SIGTERM');
    await child;
    rmSync(work, { recursive: true, force: true });
  };

  let host: string;
  try {
    host = await listeningOn(child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  const repo = `oci://${host}/charts`;
  const helm = opts.helm ?? '.tools/helm3/helm';
  const versions = packagedVersions(chartsDir);
  // helm keeps its registry logins here, never in the user's own config.
  const registryConfig = join(work, 'registry-config.json');
  if (opts.credentials) writeFileSync(registryConfig, registryConfigFor(host, opts.credentials), { mode: 0o600 });
  try {
    for (const version of versions) {
      await execa(join(ROOT, helm), ['push', chartArchive(chartsDir, version), repo, '--plain-http', '--registry-config', registryConfig], {
        env: { HELM_CACHE_HOME: join(work, 'helm-cache'), HELM_CONFIG_HOME: join(work, 'helm-config') },
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { host, repo, versions, log: () => output, close: stop };
}

/** The address from the registry's "listening on 127.0.0.1:N" line. */
async function listeningOn(child: ResultPromise, output: () => string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  void child.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const m = /listening on (127\.0\.0\.1:\d+)/.exec(output());
    if (m) return m[1]!;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`the OCI registry did not start${exited ? ' (it exited)' : ' in 30 s'}:\n${output().slice(-2000)}`);
}
