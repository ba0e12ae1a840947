/**
 * The devstack plugin's steps that need no OpenStack, run by bash in a
 * temporary root (MCS_ROOT) as the current user, and their results read back.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../../..');
const LIB = join(REPO, 'devstack/lib/magnum-capi-sidecar');
let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mcs-devstack-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const SETTINGS = {
  MCS_DIR: '/opt/stack/magnum-capi-sidecar',
  MCS_USER: userInfo().username,
  MCS_LISTEN: '127.0.0.1:8080',
  MCS_CONF_DIR: '/etc/magnum-capi-sidecar',
  MCS_KUBECONFIG: '/etc/magnum-capi-sidecar/kubeconfig',
  MCS_CHART_VERSION: '0.27.0',
  MCS_HELM_BIN: '/usr/local/bin/helm',
  MCS_CACHE_DIR: '/opt/stack/data/magnum-capi-sidecar/charts',
  MCS_CA_FILE: '',
  MCS_SHIM_TIMEOUT: '40',
  MCS_SHIM_STATUS_TIMEOUT: '10',
  MCS_DISABLED_DRIVERS: 'k8s_capi_helm_v1,k8s_fedora_coreos_v1',
};

/** Sources the lib (not devstack: its iniset/iniget stand-ins are used) and runs one function. */
async function run(fn: string, env: Record<string, string> = {}): Promise<string> {
  const result = await execa('bash', ['-c', 'set -euo pipefail; source "$0"; "$@"', LIB, fn], {
    env: { ...SETTINGS, MCS_ROOT: root, MCS_USE_SUDO: 'False', ...env },
    extendEnv: true,
  });
  return result.stdout;
}

const at = (path: string) => join(root, path);
const read = (path: string) => readFileSync(at(path), 'utf8');

/** Options of one section of an ini file, as written by iniset. */
function iniSection(text: string, name: string): Record<string, string> {
  const body = text.split(/^\[/m).find((s) => s.startsWith(`${name}]`));
  if (!body) return {};
  return Object.fromEntries(
    body.split('\n').slice(1).filter((l) => l.includes('=')).map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
    }),
  );
}

describe('devstack plugin: systemd unit', () => {
  it('runs the built service as the stack user with the config, helm path and restart policy', async () => {
    await run('mcs_write_systemd_unit');
    const unit = read('etc/systemd/system/magnum-capi-sidecar.service');
    const service = iniSection(unit, 'Service');
    expect(service).toMatchObject({
      User: SETTINGS.MCS_USER,
      WorkingDirectory: '/opt/stack/magnum-capi-sidecar',
      ExecStart: '/usr/bin/env node /opt/stack/magnum-capi-sidecar/dist/cli.js serve',
      ExecReload: '/bin/kill -HUP $MAINPID',
      Restart: 'on-failure',
    });
    const environment = unit.split('\n').filter((l) => l.startsWith('Environment=')).map((l) => l.slice('Environment='.length));
    expect(environment).toEqual(expect.arrayContaining([
      'MCS_CONFIG=/etc/magnum-capi-sidecar/config.yaml',
      'MCS_HELM__BINARY=/usr/local/bin/helm',
    ]));
    expect(iniSection(unit, 'Install')).toEqual({ WantedBy: 'multi-user.target' });
  });

  it('follows the settings', async () => {
    await run('mcs_write_systemd_unit', { MCS_DIR: '/srv/mcs', MCS_USER: 'nobody', MCS_CONF_DIR: '/etc/mcs' });
    const service = iniSection(read('etc/systemd/system/magnum-capi-sidecar.service'), 'Service');
    expect(service.ExecStart).toBe('/usr/bin/env node /srv/mcs/dist/cli.js serve');
    expect(service.User).toBe('nobody');
  });
});

describe('devstack plugin: sidecar config', () => {
  it('writes a config the sidecar reads, and a private token kept across runs', async () => {
    await run('mcs_write_config');
    const conf = read('etc/magnum-capi-sidecar/config.yaml');
    expect(conf).toContain('kubeconfig: /etc/magnum-capi-sidecar/kubeconfig');
    expect(conf).toContain('tokensFile: /etc/magnum-capi-sidecar/tokens');
    expect(conf).toContain('binary: /usr/local/bin/helm');
    const token = read('etc/magnum-capi-sidecar/tokens');
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(at('etc/magnum-capi-sidecar/tokens')).mode & 0o077).toBe(0);
    await run('mcs_write_config');
    expect(read('etc/magnum-capi-sidecar/tokens')).toBe(token);
  });

  it('passes the sidecar\'s own config validation', async () => {
    await run('mcs_write_config');
    const script = `import { loadConfig } from ${JSON.stringify(join(REPO, 'src/config.ts'))};
const c = loadConfig({ MCS_CONFIG: process.argv[1] });
process.stdout.write(JSON.stringify({ chart: c.chart.defaultVersion, helm: c.helm.binary, listen: c.listen }));`;
    const out = await execa(join(REPO, 'node_modules/.bin/tsx'), ['-e', script, at('etc/magnum-capi-sidecar/config.yaml')]);
    expect(JSON.parse(out.stdout)).toEqual({ chart: '0.27.0', helm: '/usr/local/bin/helm', listen: { host: '127.0.0.1', port: 8080 } });
  });
});

describe('devstack plugin: magnum.conf', () => {
  beforeEach(() => {
    mkdirSync(at('etc/magnum'), { recursive: true });
    writeFileSync(at('etc/magnum/magnum.conf'), '[DEFAULT]\ndebug = True\n\n[database]\nconnection = mysql://x\n\n[drivers]\ndisabled_drivers = swarm_fedora_atomic_v2,k8s_capi_sidecar\n');
  });

  it('adds [capi_sidecar] with the shim\'s option names, keeping what is there', async () => {
    await run('mcs_configure_magnum');
    const conf = read('etc/magnum/magnum.conf');
    expect(iniSection(conf, 'capi_sidecar')).toEqual({
      url: 'http://127.0.0.1:8080',
      token_file: '/etc/magnum-capi-sidecar/tokens',
      timeout: '40',
      status_timeout: '10',
    });
    expect(iniSection(conf, 'database')).toEqual({ connection: 'mysql://x' });
    expect(iniSection(conf, 'DEFAULT')).toEqual({ debug: 'True' });
  });

  it('enables k8s_capi_sidecar: the competing drivers are disabled, ours never, earlier entries kept', async () => {
    await run('mcs_configure_magnum');
    await run('mcs_configure_magnum');
    const drivers = iniSection(read('etc/magnum/magnum.conf'), 'drivers');
    expect(drivers.disabled_drivers!.split(',')).toEqual(['swarm_fedora_atomic_v2', 'k8s_capi_helm_v1', 'k8s_fedora_coreos_v1']);
  });

  it('uses https and sets ca_file when a CA is configured', async () => {
    await run('mcs_configure_magnum', { MCS_CA_FILE: '/etc/ssl/mcs-ca.pem', MCS_LISTEN: 'sidecar.example:8443' });
    const section = iniSection(read('etc/magnum/magnum.conf'), 'capi_sidecar');
    expect(section.url).toBe('https://sidecar.example:8443');
    expect(section.ca_file).toBe('/etc/ssl/mcs-ca.pem');
  });

  it('uses the option names the shim registers', () => {
    const shimConf = readFileSync(join(REPO, 'shim/magnum_capi_sidecar/conf.py'), 'utf8');
    expect(shimConf).toMatch(/name="capi_sidecar"/);
    for (const option of ['url', 'token_file', 'ca_file', 'timeout', 'status_timeout']) {
      expect(shimConf).toContain(`Opt("${option}"`);
    }
    expect(readFileSync(join(REPO, 'shim/pyproject.toml'), 'utf8')).toMatch(/^k8s_capi_sidecar = /m);
  });
});

describe.skipIf(!existsSync(join(REPO, '.tools/helm3/helm')))('devstack plugin: helm', () => {
  it('installs the helm that npm ci extracted where the config points, and it runs', async () => {
    await run('mcs_install_helm', { MCS_DIR: REPO });
    const helm = at('usr/local/bin/helm');
    expect(statSync(helm).mode & 0o111).toBe(0o111);
    const { stdout } = await execa(helm, ['version', '--short']);
    expect(stdout).toMatch(/^v3\.\d+\.\d+/);
  });
});
