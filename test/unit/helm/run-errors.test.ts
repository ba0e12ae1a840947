/** How a helm run's failure becomes an error: helm missing, helm failed, or the release held by another helm. */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHelm } from '../../../src/helm/run.js';

/** A stand-in helm that prints `stderr` and exits with `code`. */
function fakeHelm(stderr: string, code: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mcs-fake-helm-')), 'helm');
  writeFileSync(path, `#!/bin/sh\necho ${JSON.stringify(stderr)} >&2\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('runHelm failures', () => {
  it.each([
    ['another helm holds the release: transient, 503', 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress', 503, 'helm_release_locked'],
    ['the chart refused the values: 502', 'Error: execution error at (openstack-cluster/templates/cluster.yaml:2:4): refused', 502, 'helm_failed'],
  ])('%s', async (_name, stderr, statusCode, code) => {
    const err = await runHelm(['upgrade', 'r'], { binary: fakeHelm(stderr, 1) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode, code });
    expect((err as Error).message).toContain(stderr.slice(0, 40));
  });

  it('a missing binary is helm_unavailable, not a helm failure', async () => {
    await expect(runHelm(['version'], { binary: '/nonexistent/helm' })).rejects.toMatchObject({ statusCode: 503, code: 'helm_unavailable' });
  });
});
