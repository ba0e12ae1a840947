/**
 * A management cluster of a test file's own, for tests that stop, start or load it: with the real Cluster API
 * controllers as in the shared one, or, for a test that measures the sidecar alone, with none (`'played'`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, type CapiMode, type LocalCluster } from '../../../src/devcluster/index.js';
import { clusterCaOf, type RealCapiContext } from './real-capi-context.js';

type Owned = LocalCluster & { dir: string };
/** One with the real controllers, and the CA its clusters' specs must carry. */
export type OwnClusterWithCapi = Owned & { clusterCa: RealCapiContext['clusterCa'] };

export async function ownCluster(name: string): Promise<OwnClusterWithCapi>;
export async function ownCluster(name: string, capi: 'played'): Promise<Owned>;
export async function ownCluster(name: string, capi: CapiMode = 'real'): Promise<Owned & { clusterCa?: RealCapiContext['clusterCa'] }> {
  const dir = mkdtempSync(join(tmpdir(), `mcs-${name}-`));
  const cluster = await startLocalCluster({ dataDir: dir, capi, log: (m) => process.stderr.write(`${name}: ${m}\n`) });
  const workload = cluster.capi?.workload;
  return {
    ...cluster,
    dir,
    // For clusterSpec: the bootstrap provider parses the cluster CA, and this cluster's workload API server is signed by it.
    ...(workload ? { clusterCa: clusterCaOf(workload) } : {}),
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
