/**
 * Registry credentials (`registryAuth`): the password is read from its file
 * once, reaches helm's values (the chart writes containerd's auth file from
 * them), and never a log line, a dry-run answer or an error message.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../../src/config.js';
import { Spec } from '../../../src/magnum/spec.js';
import { renderSpec } from '../../../src/render.js';
import { loadValueLayers, planRelease } from '../../../src/values/index.js';
import { auth, captureLogs, testApp } from '../../support/app.js';
import { createDriver } from '../../../src/driver/operations.js';
import { createPlanner } from '../../../src/planner.js';
import { fakePorts } from '../driver/fakes.js';
import { fixture } from './helpers.js';

const PASSWORD = 'Pa55-registry-S3CRET';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registry-auth-'));
  await writeFile(join(dir, 'password'), `${PASSWORD}\n`);
  await writeFile(join(dir, 'quoted'), `bad"${PASSWORD}`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const site = (file = 'password') => parseConfig({ registryAuth: { 'registry.example.com:5000': { username: 'robot', passwordFile: join(dir, file) } } });

describe('registryAuth', () => {
  it('reads the password from its file into the values helm applies', async () => {
    const config = site();
    const plan = planRelease(Spec.parse(fixture('default')), config, await loadValueLayers(config, dir));
    expect(plan.values.registryAuth).toEqual({ 'registry.example.com:5000': { username: 'robot', password: PASSWORD } });
  });

  it('a dry run shows the password redacted', async () => {
    const answer = await renderSpec(Spec.parse(fixture('default')), site());
    expect(answer.values.registryAuth).toEqual({ 'registry.example.com:5000': { username: 'robot', password: '[redacted]' } });
    expect(JSON.stringify(answer)).not.toContain(PASSWORD);
  });

  it('the dry-run route answers with the password redacted (POST /v1/values)', async () => {
    const config = site();
    const driver = createDriver({ config, ...fakePorts(), planner: await createPlanner(config) });
    const { app } = await testApp({ driver });
    const res = await app.inject({ method: 'POST', url: '/v1/values', headers: auth, payload: fixture('default') });
    await app.close();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().values.registryAuth).toEqual({ 'registry.example.com:5000': { username: 'robot', password: '[redacted]' } });
    expect(res.body).not.toContain(PASSWORD);
  });

  it.each([
    ['missing', 'registryAuth.registry.example.com:5000.passwordFile: cannot read'],
    ['quoted', 'registryAuth.registry.example.com:5000.passwordFile:'],
  ])('a %s password file stops start-up naming the setting, never the content', async (file, message) => {
    const run = loadValueLayers(site(file), dir);
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.not.toThrow(PASSWORD);
  });

  it('never reaches a log line, however the values are logged', async () => {
    const config = site();
    const plan = planRelease(Spec.parse(fixture('default')), config, await loadValueLayers(config, dir));
    const { logger, lines } = captureLogs('trace');
    logger.info({ plan }, 'plan');
    logger.info({ values: plan.values }, 'values');
    logger.info(plan.values, 'bare values');
    logger.info({ body: { values: plan.values } }, 'answer');
    logger.info({ answer: { plan } }, 'nested');
    logger.flush();
    const text = lines.join('');
    // The values were logged (the test would see a leak) ...
    expect(text).toContain('kubernetesVersion');
    expect(lines).toHaveLength(5);
    // ... with the credentials replaced.
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('[redacted]');
  });
});

describe('registry settings from the environment and a config file', () => {
  it('reads JSON and comma lists from MCS_* variables', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const config = loadConfig({
      MCS_TRUSTED_CAS: JSON.stringify({ 'registry-ca': pem }),
      MCS_INSECURE_REGISTRIES: 'registry.local:5000,10.0.0.5',
      MCS_REGISTRY_MIRRORS: JSON.stringify({ 'docker.io': ['https://cache.example.com/v2/hub'] }),
    });
    expect(config.trustedCAs).toEqual({ 'registry-ca': pem });
    expect(config.insecureRegistries).toEqual(['registry.local:5000', '10.0.0.5']);
    expect(config.registryMirrors).toEqual({ 'docker.io': ['https://cache.example.com/v2/hub'] });
  });

  it('resolves a password file relative to the config file', async () => {
    await writeFile(join(dir, 'config.yaml'), 'registryAuth:\n  registry.example.com:\n    username: robot\n    passwordFile: password\n');
    const config = loadConfig({ MCS_CONFIG: join(dir, 'config.yaml') });
    expect(config.registryAuth['registry.example.com']!.passwordFile).toBe(join(dir, 'password'));
  });
});
