/**
 * Several real sidecar processes (`src/cli.ts serve`) against one management
 * cluster, as the operator guide's layouts run them: each its own process
 * group, so a test can kill -9 a replica together with the helm it runs.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN } from '../../support/app.js';
import { ROOT } from './service.js';
import { freePort } from '../../support/ports.js';

export interface Replica {
  name: string;
  url: string;
  /** holderIdentity in the release Leases. */
  identity: string;
  process: ResultPromise;
  log: () => string;
  /** SIGKILL to the whole process group: the sidecar and any helm it runs, as a node dying would. */
  kill9: () => Promise<void>;
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any; headers: Headers }>;
  stop: () => Promise<void>;
}

export async function startReplicas(count: number, kubeconfig: string, env: Record<string, string>): Promise<Replica[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mcs-replicas-'));
  const tokens = join(dir, 'tokens');
  writeFileSync(tokens, `${TOKEN}\n`, { mode: 0o600 });
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) {
    const name = `replica-${i}`;
    const port = await freePort();
    const identity = `${name}/test`;
    let output = '';
    const child = execa('node', ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      cwd: ROOT,
      detached: true,
      reject: false,
      all: true,
      extendEnv: false,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        MCS_KUBECONFIG: kubeconfig,
        MCS_TOKENS_FILE: tokens,
        MCS_LISTEN: `127.0.0.1:${port}`,
        MCS_LOG_LEVEL: 'info',
        MCS_HELM__CACHE_DIR: join(dir, `${name}-charts`),
        MCS_LEASE__IDENTITY: identity,
        ...env,
      },
    });
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const url = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    };
    const group = async (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
      await child;
    };
    replicas.push({ name, url, identity, process: child, log: () => output, call, kill9: () => group('SIGKILL'), stop: () => group('SIGTERM') });
  }
  const deadline = Date.now() + 60_000;
  for (const r of replicas) {
    for (;;) {
      const ok = await fetch(`${r.url}/readyz`).then((res) => res.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline || r.process.exitCode !== null) {
        await Promise.all(replicas.map((x) => x.stop()));
        throw new Error(`${r.name} never became ready:\n${r.log().slice(-3000)}`);
      }
      await new Promise((res) => setTimeout(res, 250));
    }
  }
  return replicas;
}
