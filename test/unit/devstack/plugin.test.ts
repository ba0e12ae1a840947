/** The devstack plugin's install steps that need no OpenStack, run in a temporary root. */
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const LIB = join(import.meta.dirname, '../../../devstack/lib/magnum-capi-sidecar');
const root = mkdtempSync(join(tmpdir(), 'mcs-devstack-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(fn: string): Promise<void> {
  await execa('bash', ['-c', `set -euo pipefail; source "$0"; ${fn}`, LIB], {
    env: {
      MCS_ROOT: root,
      MCS_DIR: '/opt/stack/magnum-capi-sidecar',
      MCS_USER: 'stack',
      MCS_LISTEN: '127.0.0.1:8080',
      MCS_CONF_DIR: '/etc/magnum-capi-sidecar',
      MCS_KUBECONFIG: '/etc/magnum-capi-sidecar/kubeconfig',
      MCS_CHART_VERSION: '0.27.0',
    },
  });
}

describe('devstack plugin', () => {
  it('writes the systemd unit of the sidecar', async () => {
    await run('mcs_write_systemd_unit');
    const unit = readFileSync(join(root, 'etc/systemd/system/magnum-capi-sidecar.service'), 'utf8');
    expect(unit).toContain('User=stack');
    expect(unit).toContain('ExecStart=/usr/bin/env node /opt/stack/magnum-capi-sidecar/dist/cli.js serve');
    expect(unit).toContain('Environment=MCS_CONFIG=/etc/magnum-capi-sidecar/config.yaml');
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain('ExecReload=/bin/kill -HUP $MAINPID');
    expect(unit).toMatch(/\[Install\]\nWantedBy=multi-user.target/);
  });

  it('writes the sidecar config and a private token once', async () => {
    await run('mcs_write_config');
    const conf = readFileSync(join(root, 'etc/magnum-capi-sidecar/config.yaml'), 'utf8');
    expect(conf).toContain('kubeconfig: /etc/magnum-capi-sidecar/kubeconfig');
    expect(conf).toContain('tokensFile: /etc/magnum-capi-sidecar/tokens');
    const token = readFileSync(join(root, 'etc/magnum-capi-sidecar/tokens'), 'utf8');
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    await run('mcs_write_config');
    expect(readFileSync(join(root, 'etc/magnum-capi-sidecar/tokens'), 'utf8')).toBe(token);
  });

  it('adds the shim section and the driver choice to magnum.conf, keeping what is there', async () => {
    mkdirSync(join(root, 'etc/magnum'), { recursive: true });
    writeFileSync(join(root, 'etc/magnum/magnum.conf'), '[DEFAULT]\ndebug = True\n\n[database]\nconnection = mysql://x\n');
    await run('mcs_configure_magnum');
    const conf = readFileSync(join(root, 'etc/magnum/magnum.conf'), 'utf8');
    expect(conf).toMatch(/\[capi_sidecar\]\nurl = http:\/\/127.0.0.1:8080\ntoken_file = \/etc\/magnum-capi-sidecar\/tokens\ntimeout = 40\nstatus_timeout = 10/);
    expect(conf).toMatch(/\[drivers\]\ndisabled_drivers = k8s_capi_helm_v1/);
    expect(conf).toContain('connection = mysql://x');
    expect(conf).toContain('debug = True');
  });
});
