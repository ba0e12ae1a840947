import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { startServer } from '../../../src/server.js';
import { TOKEN, captureLogs } from '../../support/app.js';
import { recordingDriver } from '../../support/fake-driver.js';
import { minimalSpec } from '../../support/spec.js';
import { freePort } from '../../support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'mcs-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A management cluster nobody listens for: the service starts, its watches retry. */
function unreachableKubeconfig(): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config',
    'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
    'users: [{name: u, user: {token: t}}]',
    'contexts: [{name: x, context: {cluster: c, user: u}}]',
    'current-context: x', '',
  ].join('\n'));
  return path;
}

function tokensFile(): string {
  const path = join(dir, 'tokens');
  writeFileSync(path, `# test\n${TOKEN}\n`);
  return path;
}

describe('graceful shutdown', () => {
  it('finishes an in-flight request, refuses new connections, and closes the engine', async () => {
    const driver = recordingDriver();
    let release!: () => void;
    driver.gate = new Promise<void>((r) => (release = r));
    let engineClosed = false;
    const config = parseConfig({ listen: '127.0.0.1:0', tokensFile: tokensFile() });
    const server = await startServer(
      { ...config, tokensFile: config.tokensFile! },
      { driver, checks: [], close: async () => void (engineClosed = true) },
      captureLogs('silent').logger,
    );
    const inFlight = fetch(`${server.url}/v1/clusters`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(minimalSpec()),
    });
    await expect.poll(() => driver.calls.length).toBe(1);
    const closing = server.shutdown('test');
    await expect.poll(() => server.app.server.listening).toBe(false);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    release();
    const res = await inFlight;
    expect(res.status).toBe(201);
    await closing;
    expect(engineClosed).toBe(true);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('the CLI exits 0 on %s', async (signal) => {
    const port = await freePort();
    const child = execa(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      env: { MCS_LISTEN: `127.0.0.1:${port}`, MCS_TOKENS_FILE: tokensFile(), MCS_KUBECONFIG: unreachableKubeconfig(), MCS_LOG_LEVEL: 'info' },
      reject: false,
    });
    await expect
      // tsx compiles the service at start: tens of seconds on a loaded 2-core machine.
      .poll(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status, { timeout: 90_000, interval: 200 })
      .toBe(200);
    child.kill(signal);
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"msg":"stopped"');
  }, 120_000);

  it('refuses to serve a real management cluster without a tokens file, saying which setting is missing', async () => {
    const result = await execa(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env: { MCS_LISTEN: '127.0.0.1:1', MCS_KUBECONFIG: unreachableKubeconfig() }, reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('tokensFile: required');
  }, 120_000);
});
