/**
 * The local management cluster: a real etcd and kube-apiserver on loopback
 * ports, built by scripts/mgmt-cluster/build.sh, with the Cluster API, CAPO
 * and addon CRDs installed. Used by the integration tests and by `npm start`
 * when no kubeconfig is configured. No Cluster API controllers run: tests
 * play them by writing `.status`.
 */
import { execa, type ResultPromise } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { request } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCerts } from './certs.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LocalCluster {
  kubeconfigPath: string;
  server: string;
  token: string;
  /** Stops the API server and etcd (keeps the data directory). Safe to call twice. */
  stop(): Promise<void>;
  /** Stops only the API server, to test what the sidecar does while it is away. */
  stopApiServer(): Promise<void>;
  /** Starts the API server again on the same port after `stopApiServer`. */
  startApiServer(): Promise<void>;
}

export interface Binaries {
  kubeApiserver: string;
  etcd: string;
  crds: string;
}

type Log = (msg: string) => void;

/** The script that builds the local cluster's binaries, relative to the project root. */
export const LOCAL_CLUSTER_BUILD = 'scripts/mgmt-cluster/build.sh';

export async function buildBinaries(log: Log = () => {}): Promise<Binaries> {
  const child = execa('bash', [join(ROOT, LOCAL_CLUSTER_BUILD)], { stderr: 'pipe', stdout: 'pipe' });
  child.stderr?.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  const { stdout } = await child;
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Binaries;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, proc?: ResultPromise): Promise<void> {
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
function track(child: ResultPromise): ResultPromise {
  children.add(child);
  void child.then(() => children.delete(child), () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Never leave an etcd or API server behind when the parent goes.
    process.on('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
  return child;
}

async function stopProcess(child: ResultPromise | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await child.catch(() => undefined);
  clearTimeout(timer);
}

/** The body of a 200 answer, else null (any other status, an error or a timeout). */
function httpsGet(url: string, ca: string, token: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 2000 }, (res) => {
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

const httpsOk = async (url: string, ca: string, token: string) => (await httpsGet(url, ca, token)) !== null;

interface CrdList {
  items: { spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] } }[];
}

/**
 * After a start or restart the API server reports ready while the storage of
 * custom resources is still initialising (429 "storage is (re)initializing"
 * for a few seconds): ready here means every served version of every CRD lists.
 */
async function customResourcesServed(server: string, ca: string, token: string): Promise<boolean> {
  const body = await httpsGet(`${server}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, ca, token);
  if (body === null) return false;
  const paths = (JSON.parse(body) as CrdList).items.flatMap(({ spec }) =>
    spec.versions.filter((v) => v.served).map((v) => `/apis/${spec.group}/${v.name}/${spec.names.plural}?limit=1`),
  );
  const answers = await Promise.all(paths.map((p) => httpsOk(`${server}${p}`, ca, token)));
  return answers.every(Boolean);
}

function kubeconfigYaml(server: string, caPem: string, token: string): string {
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

/**
 * kubectl, not client-node, applies the CRDs: client-node's typed serializer
 * drops the `x-kubernetes-*` schema extensions of raw YAML, which the API
 * server then refuses (int-or-string fields without a type).
 */
async function installCrds(kubeconfigPath: string, crdDir: string): Promise<void> {
  const kubectl = join(ROOT, '.tools/helm3/kubectl');
  const files = [
    ...(await readdir(crdDir)).filter((f) => f.endsWith('.yaml')).map((f) => join(crdDir, f)),
    join(ROOT, 'test/fixtures/crds/addons.yaml'),
  ];
  const fileArgs = files.flatMap((f) => ['-f', f]);
  await execa(kubectl, ['--kubeconfig', kubeconfigPath, 'apply', '--server-side', '--field-manager', 'magnum-capi-sidecar-dev', ...fileArgs]);
  await execa(kubectl, ['--kubeconfig', kubeconfigPath, 'wait', '--for', 'condition=Established', '--timeout', '60s', ...fileArgs]);
}

export async function startLocalCluster(opts: { dataDir: string; log?: Log }): Promise<LocalCluster> {
  const log = opts.log ?? (() => {});
  const bins = await buildBinaries(log);
  await mkdir(opts.dataDir, { recursive: true });
  const certDir = join(opts.dataDir, 'pki');
  await mkdir(certDir, { recursive: true });
  const certs = await ensureCerts(certDir);
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(opts.dataDir, 'tokens.csv');
  await writeFile(tokenFile, `${token},admin,admin,system:masters\n`, { mode: 0o600 });
  const [clientPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];

  const etcd = track(execa(bins.etcd, [
    '--name', 'local',
    '--data-dir', join(opts.dataDir, 'etcd'),
    '--listen-client-urls', `http://127.0.0.1:${clientPort}`,
    '--advertise-client-urls', `http://127.0.0.1:${clientPort}`,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `local=http://127.0.0.1:${peerPort}`,
    '--unsafe-no-fsync',
    '--log-level', 'error',
  ], { reject: false, stdio: ['ignore', 'ignore', 'pipe'], buffer: false }));
  await waitFor('etcd', async () => (await fetch(`http://127.0.0.1:${clientPort}/health`)).ok, 30_000, etcd);

  const server = `https://127.0.0.1:${apiPort}`;
  const apiArgs = [
    '--etcd-servers', `http://127.0.0.1:${clientPort}`,
    '--bind-address', '127.0.0.1',
    '--advertise-address', '127.0.0.1',
    '--secure-port', String(apiPort),
    '--tls-cert-file', certs.servingCert,
    '--tls-private-key-file', certs.servingKey,
    '--client-ca-file', certs.caCert,
    '--token-auth-file', tokenFile,
    '--authorization-mode', 'RBAC',
    '--service-account-issuer', 'https://kubernetes.default.svc',
    '--service-account-key-file', certs.saPub,
    '--service-account-signing-key-file', certs.saKey,
    '--service-cluster-ip-range', '10.96.0.0/24',
    // No controller manager runs, so nothing would create the default service accounts.
    '--disable-admission-plugins', 'ServiceAccount',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--cert-dir', join(opts.dataDir, 'apiserver-certs'),
    '--v', '0',
  ];
  let apiserver: ResultPromise | undefined;
  const caPem = await readFile(certs.caCert, 'utf8');
  const ready = async () => (await httpsOk(`${server}/readyz`, caPem, token)) && customResourcesServed(server, caPem, token);
  const startApiServer = async () => {
    apiserver = track(execa(bins.kubeApiserver, apiArgs, { reject: false, stdio: ['ignore', 'ignore', 'pipe'], buffer: false }));
    await waitFor('kube-apiserver', ready, 90_000, apiserver);
  };
  await startApiServer();

  const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfigYaml(server, caPem, token), { mode: 0o600 });
  await installCrds(kubeconfigPath, bins.crds);
  await waitFor('custom resources', () => customResourcesServed(server, caPem, token), 60_000, apiserver);
  log(`local management cluster ready at ${server} (kubeconfig ${kubeconfigPath})`);

  let stopped = false;
  return {
    kubeconfigPath,
    server,
    token,
    startApiServer,
    stopApiServer: async () => stopProcess(apiserver),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopProcess(apiserver);
      await stopProcess(etcd);
    },
  };
}
