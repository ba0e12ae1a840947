/** A management cluster of a test file's own, for tests that stop, start or load it, with the real Cluster API controllers as in the shared one. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../../../src/devcluster/index.js';
import type { RealCapiContext } from './real-capi-context.js';

export async function ownCluster(name: string): Promise<LocalCluster & { dir: string; clusterCa: RealCapiContext['clusterCa'] }> {
  const dir = mkdtempSync(join(tmpdir(), `mcs-${name}-`));
  const cluster = await startLocalCluster({ dataDir: dir, capi: 'real', log: (m) => process.stderr.write(`${name}: ${m}\n`) });
  const { workload } = cluster.capi!;
  return {
    ...cluster,
    dir,
    // For clusterSpec: the bootstrap provider parses the cluster CA, and this cluster's workload API server is signed by it.
    clusterCa: { cert: readFileSync(workload.caCert, 'utf8'), key: readFileSync(workload.caKey, 'utf8') },
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
