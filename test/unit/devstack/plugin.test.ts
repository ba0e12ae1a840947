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

  it('sets the network drivers the chart can install: calico by default, cilium allowed', async () => {
    await run('mcs_configure_magnum');
    expect(iniSection(read('etc/magnum/magnum.conf'), 'cluster_template')).toEqual({
      kubernetes_default_network_driver: 'calico',
      kubernetes_allowed_network_drivers: 'calico,cilium',
    });
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

describe('devstack plugin: settings', () => {
  /** Sources devstack/settings with stand-ins for the devstack functions it calls. */
  async function settings(env: Record<string, string> = {}): Promise<Record<string, string>> {
    const names = ['MCS_NODE_TARBALL_URL', 'MCS_NODE_PACKAGE', 'MCS_ADDON_PROVIDER_VERSION', 'MCS_JANITOR_VERSION', 'MCS_INSTALL_K3S'];
    const script = `trueorfalse() { echo "$1"; }; enable_service() { :; }; source "$0"; for n in ${names.join(' ')}; do printf '%s=%s\\n' "$n" "\${!n}"; done`;
    const out = await execa('bash', ['-c', script, join(REPO, 'devstack/settings')], { env: { DEST: '/opt/stack', ...env }, extendEnv: false });
    return Object.fromEntries(out.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }

  it('installs the official Node.js build by default, and the distribution packages when the URL is set empty', async () => {
    const defaults = await settings();
    expect(defaults.MCS_NODE_TARBALL_URL).toBe('https://nodejs.org/dist/v24.11.1/node-v24.11.1-linux-x64.tar.xz');
    expect(defaults.MCS_NODE_PACKAGE).toBe('nodejs npm');
    expect(defaults.MCS_INSTALL_K3S).toBe('False');
    expect(defaults.MCS_ADDON_PROVIDER_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(defaults.MCS_JANITOR_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await settings({ MCS_NODE_TARBALL_URL: '' })).MCS_NODE_TARBALL_URL).toBe('');
    expect((await settings({ MCS_NODE_VERSION: 'v22.12.0' })).MCS_NODE_TARBALL_URL).toBe('https://nodejs.org/dist/v22.12.0/node-v22.12.0-linux-x64.tar.xz');
  });
});

describe('devstack plugin: Node.js', () => {
  const URL = 'https://nodejs.org/dist/v24.11.1/node-v24.11.1-linux-x64.tar.xz';
  let stubs = '';
  let fake = '';

  /** A directory of stand-in commands: an old `node`, and `curl` serving a fake release. */
  beforeEach(async () => {
    stubs = join(root, 'stubs');
    fake = join(root, 'fake-release');
    mkdirSync(stubs);
    mkdirSync(join(fake, 'node-v24.11.1-linux-x64/bin'), { recursive: true });
    const script = (path: string, body: string) => writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    script(join(stubs, 'node'), 'exit 1');
    script(join(fake, 'node-v24.11.1-linux-x64/bin/node'), 'exit 0');
    script(join(fake, 'node-v24.11.1-linux-x64/bin/npm'), 'exit 0');
    await execa('tar', ['-cJf', join(fake, 'node.tar.xz'), '-C', fake, 'node-v24.11.1-linux-x64']);
    const { stdout } = await execa('sha256sum', [join(fake, 'node.tar.xz')]);
    writeFileSync(join(fake, 'SHASUMS256.txt'), `${'0'.repeat(64)}  node-v24.11.1-linux-arm64.tar.xz\n${stdout.split(' ')[0]}  node-v24.11.1-linux-x64.tar.xz\n`);
    script(join(stubs, 'curl'), `out=""; url=""
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2;; -*) shift;; *) url=$1; shift;; esac; done
echo "$url" >> "${fake}/curl.log"
case "$url" in
  */SHASUMS256.txt) cat "${fake}/SHASUMS256.txt";;
  *.tar.xz) cp "${fake}/node.tar.xz" "$out";;
  *) exit 22;;
esac`);
    // devstack's install_package: records its arguments; "installs" a recent node and npm.
    script(join(stubs, 'install_package'), `echo "$@" >> "${fake}/packages.log"
[ -n "$FAKE_PACKAGE_NODE_OLD" ] && exit 0
printf '#!/bin/sh\\nexit 0\\n' > "${stubs}/node"; cp "${stubs}/node" "${stubs}/npm"; chmod +x "${stubs}/node" "${stubs}/npm"`);
  });

  const env = (extra: Record<string, string> = {}) => ({
    PATH: `${root}/usr/local/bin:${stubs}:${process.env.PATH}`,
    MCS_NODE_TARBALL_URL: URL,
    MCS_NODE_TARBALL_SHA256: '',
    MCS_NODE_PACKAGE: 'nodejs npm',
    ...extra,
  });
  const log = (name: string) => (existsSync(join(fake, name)) ? readFileSync(join(fake, name), 'utf8').trim().split('\n') : []);

  it('unpacks the official build into /usr/local once its SHA-256 matches the release\'s list', async () => {
    await run('mcs_install_node', env());
    expect(statSync(at('usr/local/bin/node')).mode & 0o111).toBe(0o111);
    expect(existsSync(at('usr/local/bin/npm'))).toBe(true);
    expect(log('curl.log')).toEqual([URL, 'https://nodejs.org/dist/v24.11.1/SHASUMS256.txt']);
    expect(log('packages.log')).toEqual([]);
  });

  it('refuses a tarball whose SHA-256 does not match, and unpacks nothing', async () => {
    await expect(run('mcs_install_node', env({ MCS_NODE_TARBALL_SHA256: 'f'.repeat(64) }))).rejects.toThrow(/SHA-256 unknown or not matching/);
    expect(existsSync(at('usr/local/bin/node'))).toBe(false);
  });

  it('installs the distribution packages, npm included, when no tarball is configured', async () => {
    await run('mcs_install_node', env({ MCS_NODE_TARBALL_URL: '' }));
    expect(log('packages.log')).toEqual(['nodejs npm']);
    expect(log('curl.log')).toEqual([]);
  });

  it('stops with what to do when the packages are too old', async () => {
    await expect(run('mcs_install_node', env({ MCS_NODE_TARBALL_URL: '', FAKE_PACKAGE_NODE_OLD: '1' })))
      .rejects.toThrow(/Node.js 22 or newer, with npm, is needed: set MCS_NODE_TARBALL_URL/);
  });

  it('does nothing when a recent node and npm are there', async () => {
    writeFileSync(join(stubs, 'node'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(stubs, 'npm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await run('mcs_install_node', env());
    expect(log('curl.log')).toEqual([]);
    expect(log('packages.log')).toEqual([]);
  });
});

describe('devstack plugin: k3s management cluster', () => {
  it('installs k3s without Traefik, a private kubeconfig copy, CAPI/CAPO at the set versions, the addon provider and the janitor pinned', async () => {
    const stubs = join(root, 'stubs');
    const calls = join(root, 'calls.log');
    mkdirSync(stubs);
    mkdirSync(at('tmp'));
    const script = (path: string, body: string) => writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    // get.k3s.io answers with an installer; this one records its arguments and writes k3s's kubeconfig.
    writeFileSync(join(root, 'k3s-install.sh'), `echo "k3s $*" >> "${calls}"
mkdir -p "$MCS_ROOT/etc/rancher/k3s"; echo 'apiVersion: v1' > "$MCS_ROOT/etc/rancher/k3s/k3s.yaml"; chmod 600 "$MCS_ROOT/etc/rancher/k3s/k3s.yaml"\n`);
    script(join(stubs, 'curl'), `out=""; url=""
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2;; -*) shift;; *) url=$1; shift;; esac; done
echo "curl $url" >> "${calls}"
case "$url" in
  https://get.k3s.io) cat "${root}/k3s-install.sh";;
  */clusterctl-linux-amd64) printf '#!/bin/sh\\necho "clusterctl KUBECONFIG=$KUBECONFIG $*" >> "${calls}"\\n' > "$out";;
  *) exit 22;;
esac`);
    mkdirSync(at('usr/local/bin'), { recursive: true });
    script(at('usr/local/bin/helm'), `echo "helm $*" >> "${calls}"`);
    await run('install_mcs_management_cluster', {
      PATH: `${stubs}:${process.env.PATH}`,
      MCS_CAPI_VERSION: 'v1.10.4',
      MCS_CAPO_VERSION: 'v0.11.3',
      MCS_ADDON_PROVIDER_VERSION: '0.12.1',
      MCS_JANITOR_VERSION: '0.14.0',
    });
    const log = readFileSync(calls, 'utf8').trim().split('\n');
    const kubeconfig = at('etc/magnum-capi-sidecar/kubeconfig');
    expect(log).toContain('k3s --disable traefik');
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(statSync(kubeconfig).uid).toBe(userInfo().uid);
    expect(log).toContain('curl https://github.com/kubernetes-sigs/cluster-api/releases/download/v1.10.4/clusterctl-linux-amd64');
    expect(log).toContain(`clusterctl KUBECONFIG=${kubeconfig} init --core cluster-api:v1.10.4 --bootstrap kubeadm:v1.10.4 --control-plane kubeadm:v1.10.4 --infrastructure openstack:v0.11.3 --wait-providers`);
    const helm = log.filter((l) => l.startsWith('helm '));
    expect(helm).toHaveLength(2);
    expect(helm[0]).toMatch(/^helm upgrade cluster-api-addon-provider cluster-api-addon-provider --install .* --version 0\.12\.1 .*--kubeconfig /);
    expect(helm[1]).toMatch(/^helm upgrade cluster-api-janitor-openstack cluster-api-janitor-openstack --install .* --version 0\.14\.0 .*--kubeconfig /);
    for (const h of helm) expect(h.endsWith(`--kubeconfig ${kubeconfig}`)).toBe(true);
  });
});
