/**
 * One local management cluster (real etcd + kube-apiserver) per integration
 * run, shared by the test files through `inject('kubeconfig')`. The real
 * Cluster API managers run in it for one namespace (harness/real-capi.ts,
 * `inject('realCapi')`); the other suites play Cluster API in theirs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalCluster } from '../../../src/devcluster/index.js';
import { serveRealCharts } from '../../support/chart-repo.js';
import { REAL_CAPI_NAMESPACE } from './real-capi-project.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    apiServer: string;
    dataDir: string;
    /** URL of the loopback repository serving the real chart, or '' when the packaged charts are absent. */
    chartRepo: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcs-mgmt-'));
  const started = Date.now();
  const cluster = await startLocalCluster({ dataDir, log: (m) => process.stderr.write(`${m}\n`), capi: 'real', realCapi: { namespace: REAL_CAPI_NAMESPACE } });
  process.stderr.write(`management cluster up in ${Date.now() - started} ms\n`);
  const capi = cluster.capi!;
  project.provide('realCapi', {
    version: capi.version,
    namespace: REAL_CAPI_NAMESPACE,
    workloadKubeconfig: capi.workload.kubeconfigPath,
    caCert: capi.workload.caCert,
    caKey: capi.workload.caKey,
  });
  project.provide('kubeconfig', cluster.kubeconfigPath);
  project.provide('apiServer', cluster.server);
  project.provide('dataDir', dataDir);
  const repo = await serveRealCharts('the real-chart integration suites');
  project.provide('chartRepo', repo.url);
  return async () => {
    await repo.close();
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
