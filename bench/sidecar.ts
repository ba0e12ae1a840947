/**
 * The production build as deployed: `node dist/cli.js serve` with info
 * logging, against a management API; timed from spawn until /readyz answers
 * 200 (every watch listed), then status calls over one HTTP keep-alive
 * connection. Requests to the management API are read from its own
 * /metrics (`mcs_kube_requests_total`), RSS from /proc.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Spec } from '../src/magnum/spec.js';
import { PROJECT_ROOT } from '../src/planner.js';

const TOKEN = 'bench-token-0123456789abcdef';

interface Answer {
  status: number;
  body: string;
}

function call(agent: Agent, base: string, method: string, path: string, payload?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent, headers: { authorization: `Bearer ${TOKEN}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const kubeRequests = (metrics: string) => [...metrics.matchAll(/^mcs_kube_requests_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);

export interface SidecarFigures {
  start_to_synced_s: number;
  status_p50_ms: number;
  status_p99_ms: number;
  status_requests_per_call: number;
  rss_mb: number;
}

/** Runs the built sidecar against `kubeconfig`, times its start and `calls` status calls cycling over `specs`. */
/** `profileDir`: the sidecar writes a V8 CPU profile there when it stops (`--cpu-prof`), to see where its time went. */
export async function measureSidecar(kubeconfig: string, dir: string, specs: Spec[], calls: number, log: (m: string) => void, profileDir?: string): Promise<SidecarFigures> {
  const tokens = join(dir, 'tokens');
  writeFileSync(tokens, `${TOKEN}\n`);
  const logFile = createWriteStream(join(dir, 'sidecar.log'));
  const t0 = performance.now();
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(process.execPath, [...profile, join(PROJECT_ROOT, 'dist/cli.js'), 'serve'], {
    env: { ...process.env, MCS_KUBECONFIG: kubeconfig, MCS_TOKENS_FILE: tokens, MCS_LISTEN: '127.0.0.1:0', MCS_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(logFile);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        logFile.write(d);
        buffered += d.toString('utf8');
        const m = /"url":"(http:\/\/[^"]+)"/.exec(buffered);
        if (m) resolve(m[1]!);
        if (buffered.length > 1e6) buffered = buffered.slice(-1e5);
      });
      void exited.then((code) => reject(new Error(`sidecar exited (${code}) before listening; see ${join(dir, 'sidecar.log')}`)));
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (;;) {
      const ready = await call(agent, base, 'GET', '/readyz');
      if (ready.status === 200) break;
      if (performance.now() - t0 > 600_000) throw new Error(`not ready after 600 s: ${ready.body}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const startToSynced = (performance.now() - t0) / 1000;
    log(`  production build synced ${(startToSynced).toFixed(1)} s after start`);
    const payloads = specs.map((s) => JSON.stringify({ ...s, credentials: undefined, certificates: undefined }));
    const post = (n: number) => call(agent, base, 'POST', `/v1/clusters/${specs[n % specs.length]!.cluster.uuid}/status`, payloads[n % payloads.length]);
    // Warm-up, so the figures describe the steady state rather than the JIT.
    for (let c = 0; c < 300; c++) await post(c);
    const before = kubeRequests((await call(agent, base, 'GET', '/metrics')).body);
    const times: number[] = [];
    for (let c = 0; c < calls; c++) {
      const t = performance.now();
      const res = await post(c * 7919);
      times.push(performance.now() - t);
      if (res.status !== 200 || (JSON.parse(res.body) as { cluster: { status: string } }).cluster.status !== 'CREATE_COMPLETE') throw new Error(`unexpected answer: ${res.status} ${res.body.slice(0, 500)}`);
    }
    const after = kubeRequests((await call(agent, base, 'GET', '/metrics')).body);
    times.sort((a, b) => a - b);
    const rss = rssMb(child.pid!);
    agent.destroy();
    return {
      start_to_synced_s: Number(startToSynced.toFixed(2)),
      status_p50_ms: Number(percentile(times, 50).toFixed(3)),
      status_p99_ms: Number(percentile(times, 99).toFixed(3)),
      status_requests_per_call: (after - before) / calls,
      rss_mb: Number(rss.toFixed(1)),
    };
  } finally {
    child.kill('SIGTERM');
    await exited;
    logFile.end();
  }
}
