/**
 * What runHelm tells its observer (the helm metrics): the command, how long it
 * ran, and how it ended. The real helm for success and helm's own errors; a
 * stand-in only for what helm cannot be made to do on demand (hang, or say a
 * release is locked).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHelm, type HelmRun } from '../../../src/helm/run.js';

const HELM = join(import.meta.dirname, '../../../.tools/helm3/helm');

function script(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mcs-fake-helm-')), 'helm');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function observed(binary: string, args: string[], timeoutMs?: number): Promise<HelmRun[]> {
  const runs: HelmRun[] = [];
  await runHelm(args, { binary, onRun: (r) => runs.push(r), ...(timeoutMs ? { timeoutMs } : {}) }).catch(() => undefined);
  return runs;
}

describe('runHelm observer', () => {
  it.each<[string, () => string, string[], Partial<HelmRun>, number?]>([
    ['a run that succeeds', () => HELM, ['version', '--template', '{{.Version}}'], { command: 'version', outcome: 'success', reason: 'none' }],
    ['helm refusing its arguments', () => HELM, ['history', 'no such release name!'], { command: 'history', outcome: 'failure', reason: 'exit_error' }],
    ['a missing binary', () => '/nonexistent/helm', ['upgrade', 'r'], { command: 'upgrade', outcome: 'failure', reason: 'helm_missing' }],
    ['a preview\'s dry run, counted apart from upgrades', () => '/nonexistent/helm', ['upgrade', 'r', 'c', '--dry-run=server'], { command: 'upgrade-dry-run', outcome: 'failure', reason: 'helm_missing' }],
    ['release: not found', () => script('echo "Error: uninstall: Release not loaded: r: release: not found" >&2; exit 1'), ['uninstall', 'r'], { command: 'uninstall', outcome: 'not_found', reason: 'none' }],
    ['a release held by another helm', () => script('echo "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress" >&2; exit 1'), ['upgrade', 'r'], { command: 'upgrade', outcome: 'failure', reason: 'release_locked' }],
    ['a run past its timeout', () => script('exec sleep 5'), ['upgrade', 'r'], { command: 'upgrade', outcome: 'failure', reason: 'timeout' }, 300],
    ['a run killed by a signal', () => script('kill -9 $$'), ['pull', 'c'], { command: 'pull', outcome: 'failure', reason: 'killed' }],
  ])('%s', async (_name, binary, args, expected, timeoutMs) => {
    const runs = await observed(binary(), args, timeoutMs);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject(expected);
    expect(runs[0]!.seconds).toBeGreaterThanOrEqual(0);
  });

  it('measures how long helm ran', async () => {
    const [run] = await observed(script('sleep 0.3'), ['template', 'x']);
    expect(run!.seconds).toBeGreaterThanOrEqual(0.25);
    expect(run!.seconds).toBeLessThan(30);
  });
});
