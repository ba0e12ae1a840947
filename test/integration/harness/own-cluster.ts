/** A management cluster of a test file's own, for tests that stop, start or load it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../../../src/devcluster/index.js';

export async function ownCluster(name: string): Promise<LocalCluster & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `mcs-${name}-`));
  const cluster = await startLocalCluster({ dataDir: dir });
  return {
    ...cluster,
    dir,
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
