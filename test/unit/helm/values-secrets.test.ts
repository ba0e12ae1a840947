/**
 * A registry password in the values (registryAuth) never reaches a helm error,
 * even where helm's stderr shows it without its key: the client knows it as a
 * secret of the run and scrubs it wherever it appears.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createHelmClient } from '../../../src/helm/client.js';

/** A stand-in helm that echoes the values it was given, keys stripped, as its error, and fails. */
function echoingHelm(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mcs-echo-helm-')), 'helm');
  writeFileSync(path, `#!/bin/sh\nsed 's/"[a-zA-Z]*"://g' >&2\nexit 1\n`);
  chmodSync(path, 0o755);
  return path;
}

it('a registry password is scrubbed from a failing helm run', async () => {
  const helm = createHelmClient({ binary: echoingHelm(), timeoutSeconds: 10 });
  const values = { registryAuth: { 'registry.example.com': { username: 'robot', password: 'plainword123' } } };
  const err = await helm.template({ release: 'r-abcdefghijkl', namespace: 'magnum-p', chart: { repo: '', name: '/nonexistent', version: '1.0.0' }, values }).then(() => new Error("helm did not fail"), (e: unknown) => e as Error);
  // The run failed with helm's words (the username is no secret, so it shows) ...
  expect(err.message).toContain('robot');
  // ... and without the password.
  expect(err.message).not.toContain('plainword123');
});
