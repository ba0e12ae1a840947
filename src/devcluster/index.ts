/**
 * The local management cluster: a real etcd and kube-apiserver on loopback
 * ports, built by scripts/mgmt-cluster/build.sh, with the Cluster API, CAPO
 * and addon CRDs installed. Used by the integration tests and by `npm start`
 * when no kubeconfig is configured. Either (`capi: 'real'`, every test suite)
 * the real Cluster API managers run (capi.ts) with the providers that cannot
 * run here played (player.ts) against a second, "workload" API server, or
 * none runs (`npm start`'s quick default: statuses are whatever one writes).
 */
import { execa, type ResultPromise } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startCapiManagers, type CapiBinaries } from './capi.js';
import { ensureCerts, type ClusterCerts } from './certs.js';
import { startPlayer } from './player.js';
import { httpsGet, httpsOk, freePort, kubeconfigYaml, stopProcess, track, waitFor, type Log } from './process.js';

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
  /** Present when the real Cluster API managers run. */
  capi?: { version: string; workload: WorkloadServer };
}

export interface Binaries {
  kubeApiserver: string;
  etcd: string;
  crds: string;
  capi: CapiBinaries;
}

/** The API server the played workload clusters share: their Nodes live here. */
export interface WorkloadServer {
  server: string;
  kubeconfigPath: string;
  /** The cluster CA every played cluster uses (it signs this server's certificate): PEM paths. */
  caCert: string;
  caKey: string;
}

/** How Cluster API runs: `played` (tests write statuses) or `real` (the real managers and the player). */
export type CapiMode = 'played' | 'real';

/** The script that builds the local cluster's binaries, relative to the project root. */
export const LOCAL_CLUSTER_BUILD = 'scripts/mgmt-cluster/build.sh';

/** Builds (or finds cached) every binary; logs the build script's progress and build times. */
export async function buildBinaries(log: Log = () => {}): Promise<Binaries> {
  const child = execa('bash', [join(ROOT, LOCAL_CLUSTER_BUILD)], { stderr: 'pipe', stdout: 'pipe' });
  child.stderr?.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  const { stdout } = await child;
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Binaries;
}

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
    spec.versions.filter((v) => v.served).map((v) => `/apis/${spec.group}/${v.name}/${spec.names.plural}`),
  );
  const answers = await Promise.all(paths.map((p) => httpsOk(`${server}${p}`, ca, token)));
  return answers.every(Boolean);
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

function apiServerArgs(o: { etcdUrl: string; port: number; certs: ClusterCerts; tokenFile: string; certDir: string; etcdPrefix?: string }): string[] {
  return [
    '--etcd-servers', o.etcdUrl,
    ...(o.etcdPrefix ? ['--etcd-prefix', o.etcdPrefix] : []),
    '--bind-address', '127.0.0.1',
    '--advertise-address', '127.0.0.1',
    '--secure-port', String(o.port),
    '--tls-cert-file', o.certs.servingCert,
    '--tls-private-key-file', o.certs.servingKey,
    '--client-ca-file', o.certs.caCert,
    '--token-auth-file', o.tokenFile,
    '--authorization-mode', 'RBAC',
    '--service-account-issuer', 'https://kubernetes.default.svc',
    '--service-account-key-file', o.certs.saPub,
    '--service-account-signing-key-file', o.certs.saKey,
    '--service-cluster-ip-range', '10.96.0.0/24',
    // No controller manager runs, so nothing would create the default service accounts.
    '--disable-admission-plugins', 'ServiceAccount',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--cert-dir', o.certDir,
    '--v', '0',
  ];
}

/**
 * The workload clusters' API server: a second kube-apiserver on the same etcd
 * under its own prefix, its certificate signed by the CA the played clusters
 * use, so the `<cluster>-kubeconfig` Secrets the player writes are what a
 * control plane would have produced.
 */
async function startWorkloadServer(dataDir: string, etcdUrl: string, kubeApiserver: string): Promise<{ workload: WorkloadServer; process: ResultPromise }> {
  const dir = join(dataDir, 'workload');
  await mkdir(join(dir, 'pki'), { recursive: true });
  const certs = await ensureCerts(join(dir, 'pki'));
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'tokens.csv');
  await writeFile(tokenFile, `${token},admin,admin,system:masters\n`, { mode: 0o600 });
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const args = apiServerArgs({ etcdUrl, port, certs, tokenFile, certDir: join(dir, 'apiserver-certs'), etcdPrefix: '/workload' });
  const child = track(execa(kubeApiserver, args, { reject: false, stdio: ['ignore', 'ignore', 'pipe'], buffer: false }));
  const caPem = await readFile(certs.caCert, 'utf8');
  await waitFor('workload kube-apiserver', () => httpsOk(`${server}/readyz`, caPem, token), 90_000, child);
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfigYaml(server, caPem, token), { mode: 0o600 });
  return { workload: { server, kubeconfigPath, caCert: certs.caCert, caKey: join(certs.caCert, '../ca.key') }, process: child };
}

export async function startLocalCluster(opts: { dataDir: string; log?: Log; capi?: CapiMode }): Promise<LocalCluster> {
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
  const etcdUrl = `http://127.0.0.1:${clientPort}`;
  const apiArgs = apiServerArgs({ etcdUrl, port: apiPort, certs, tokenFile, certDir: join(opts.dataDir, 'apiserver-certs') });
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

  let real: { managers: { stop(): Promise<void> }; player: { stop(): Promise<void> }; workloadProcess: ResultPromise; capi: NonNullable<LocalCluster['capi']> } | undefined;
  if (opts.capi === 'real') {
    const started = Date.now();
    const { workload, process: workloadProcess } = await startWorkloadServer(opts.dataDir, etcdUrl, bins.kubeApiserver);
    const managers = await startCapiManagers({ bins: bins.capi, kubeconfigPath, certs, dataDir: opts.dataDir, log });
    // Writing the conversion webhooks into the CRDs makes the API server rebuild their storage, a moment after
    // the write returns: lists answer 429 until it is ready. Served twice, a second apart, is past that moment.
    const servedTwice = async () => (await customResourcesServed(server, caPem, token)) && (await delay(1_000), customResourcesServed(server, caPem, token));
    await waitFor('custom resources (after the conversion webhooks)', servedTwice, 60_000, apiserver);
    const player = startPlayer({ kubeconfigPath, workload, log });
    real = { managers, player, workloadProcess, capi: { version: bins.capi.version, workload } };
    log(`workload API server, cluster-api managers and player up in ${Date.now() - started} ms`);
  } else {
    log('cluster-api: no controllers run (statuses are played)');
  }

  let stopped = false;
  return {
    kubeconfigPath,
    server,
    token,
    ...(real ? { capi: real.capi } : {}),
    startApiServer,
    stopApiServer: async () => stopProcess(apiserver),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await real?.player.stop();
      await real?.managers.stop();
      await stopProcess(real?.workloadProcess);
      await stopProcess(apiserver);
      await stopProcess(etcd);
    },
  };
}
