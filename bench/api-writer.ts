/**
 * Writes the bench's clusters into the real API server as fast as it takes
 * them: every object is a real create (POST to its collection) followed, for
 * the Cluster API and addon kinds, by its status as the controllers write it
 * (a merge patch of the status subresource). `concurrency` requests are in
 * flight at once over keep-alive TLS connections, drawn from one queue of
 * (cluster, object) pairs, so a slow object never idles the others; each
 * cluster's objects are made from the template only when the queue reaches it.
 */
import { Agent, request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { BENCH_NAMESPACE, clusterObjects, type BenchObject } from './fixtures.js';

const CRD_GROUPS = new Set(['cluster.x-k8s.io', 'controlplane.cluster.x-k8s.io', 'bootstrap.cluster.x-k8s.io', 'infrastructure.cluster.x-k8s.io', 'addons.stackhpc.com']);
const plural = (kind: string) => (kind.endsWith('s') ? kind.toLowerCase() : `${kind.toLowerCase()}s`);

/** Where objects of this apiVersion and kind are created in the bench namespace. */
function collection(o: BenchObject): string {
  const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  return `${base}/namespaces/${BENCH_NAMESPACE}/${plural(o.kind)}`;
}

interface Answer {
  status: number;
  body: string;
}

/** Transient answers the writer retries: the server is busy, or a connection dropped. */
const RETRY = new Set([429, 500, 503, 504]);

export interface WriteFigures {
  requests: number;
  retries: number;
}

export async function writeClusters(kubeconfig: string, template: string, from: number, to: number, concurrency = 48): Promise<WriteFigures> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const server = kc.getCurrentCluster()?.server.replace(/\/$/, '');
  if (!server) throw new Error('kubeconfig has no current cluster');
  const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; headers?: Record<string, string>; rejectUnauthorized?: boolean } = { headers: {} };
  await kc.applyToHTTPSOptions(tls as never);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized ?? true });
  const figures: WriteFigures = { requests: 0, retries: 0 };

  const send = (method: string, path: string, contentType: string, payload: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(`${server}${path}`, { method, agent, headers: { ...tls.headers, accept: 'application/json', 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });

  /** One write, retried while the answer is transient; `ok` lists the answers that count as done. */
  const write = async (method: string, path: string, contentType: string, payload: string, ok: readonly number[]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      figures.requests++;
      const answer = await send(method, path, contentType, payload).catch((err: unknown) => ({ status: 0, body: String(err) }));
      if (ok.includes(answer.status)) return;
      if ((answer.status !== 0 && !RETRY.has(answer.status)) || attempt >= 8) throw new Error(`${method} ${path}: ${answer.status} ${answer.body.slice(0, 300)}`);
      figures.retries++;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  };

  await write('POST', '/api/v1/namespaces', 'application/json', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: BENCH_NAMESPACE } }), [201, 409]);

  /** Each (cluster, object) pair once, a cluster's objects made when the first of them is asked for. */
  function* queue(): Generator<BenchObject> {
    for (let i = from; i < to; i++) yield* clusterObjects(template, i);
  }
  const pending = queue();
  const worker = async () => {
    for (let next = pending.next(); !next.done; next = pending.next()) {
      const { status, ...body } = next.value;
      body.metadata = { ...body.metadata, namespace: BENCH_NAMESPACE };
      const path = collection(next.value);
      // 409: written by an earlier, interrupted run; its status is written again below all the same.
      await write('POST', path, 'application/json', JSON.stringify(body), [201, 409]);
      const group = body.apiVersion.split('/')[0]!;
      if (status && CRD_GROUPS.has(group)) await write('PATCH', `${path}/${body.metadata.name}/status`, 'application/merge-patch+json', JSON.stringify({ status }), [200]);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return figures;
}
