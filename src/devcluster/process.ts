/**
 * The local cluster's child processes (etcd, API servers, Cluster API
 * managers): started with execa, waited for by polling, never left behind.
 */
import type { ResultPromise } from 'execa';
import { request } from 'node:https';
import { createServer } from 'node:net';

export type Log = (msg: string) => void;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, proc?: ResultPromise): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc?.then(() => (exited = true), () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what}: process exited before it was ready`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

const children = new Set<ResultPromise>();
let exitHookInstalled = false;
export function track(child: ResultPromise): ResultPromise {
  children.add(child);
  void child.then(() => children.delete(child), () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Never leave an etcd, API server or manager behind when the parent goes.
    process.on('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
  return child;
}

export async function stopProcess(child: ResultPromise | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await child.catch(() => undefined);
  clearTimeout(timer);
}

/** The body of a 200 answer, else null (any other status, an error or a timeout). */
export function httpsGet(url: string, ca: string, token?: string): Promise<string | null> {
  return new Promise((resolve) => {
    const headers = token ? { authorization: `Bearer ${token}` } : undefined;
    const req = request(url, { ca, headers, timeout: 2000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : null));
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export const httpsOk = async (url: string, ca: string, token?: string) => (await httpsGet(url, ca, token)) !== null;

export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: local',
    '  context: {cluster: local, user: admin}',
    'current-context: local',
    '',
  ].join('\n');
}
