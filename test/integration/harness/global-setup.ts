/**
 * One local management cluster (real etcd + kube-apiserver) per integration
 * run, shared by the test files through `inject('kubeconfig')`. The real
 * Cluster API core and kubeadm bootstrap managers reconcile every namespace
 * in it; what cannot run here is played by src/devcluster/player.ts
 * (`inject('realCapi')` says which version and where its Nodes live).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalCluster } from '../../../src/devcluster/index.js';
import { serveRealCharts } from '../../support/chart-repo.js';
import { clusterCaOf } from './real-capi-context.js';

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
  const cluster = await startLocalCluster({ dataDir, log: (m) => process.stderr.write(`${m}\n`), capi: 'real' });
  process.stderr.write(`management cluster up in ${Date.now() - started} ms\n`);
  const { version, workload } = cluster.capi!;
  project.provide('realCapi', {
    version,
    workloadKubeconfig: workload.kubeconfigPath,
    clusterCa: clusterCaOf(workload),
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
