/**
 * The operator guide's "Migrating from magnum-capi-helm", followed step by
 * step: the shell commands are read out of the guide and run as written, with
 * `/etc/` moved under a scratch directory, against the real management
 * cluster and the real chart. The site: a cluster magnum-capi-helm 1.4.0
 * created, on a magnum.conf whose site label defaults put every machine on a
 * 40 GB `ssd` boot volume, so a switch that lost those defaults would replace
 * every node. What no command can do here is said where it happens: the shim
 * is installed by `shim/tests/api/` (the guide's step 2 points at that
 * section), and the spec document of each cluster is written as the shim sends it.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { load as loadYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import { skipNotice } from '../support/chart-repo.js';
import { GUIDE, guideSection } from '../support/guide.js';
import { kube } from './harness/kube.js';
import { AUTH, READER_AUTH, ROOT, startService } from './harness/service.js';
import { clusterSpec, withStack } from './harness/specs.js';
import { NAMESPACE, pythonDefault } from './parity/magnum-capi-helm.js';
import { seedRelease, seedSecrets, seedStackId } from './parity/seed.js';

const REPO = inject('chartRepo');
if (!REPO) console.warn(skipNotice('test/integration/migration-guide.test.ts (the migration guide, followed on the real chart)'));


/** The fenced blocks of one language, in order, their lines unindented as the guide's list nests them. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]!);
}

const MIGRATION = guideSection('Migrating from magnum-capi-helm');

describe.skipIf(!REPO)('the migration guide, followed', () => {
  const kubeconfig = inject('kubeconfig');
  const k = kube(kubeconfig);
  const root = mkdtempSync(join(tmpdir(), 'mcs-migration-'));
  const spec = clusterSpec('migrated');
  const stack = seedStackId('migrated');
  const [importStep, previewStep] = blocks(MIGRATION, 'sh');
  let svc: Awaited<ReturnType<typeof startService>> | undefined;

  /** A guide's command block, as written but for `/etc/`, in the project's checkout, with none of this process's MCS_* settings. */
  const run = (block: string, env: Record<string, string> = {}) =>
    execa('bash', ['-e', '-o', 'pipefail', '-c', block.replaceAll('/etc/', `${root}/etc/`)], {
      cwd: ROOT,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });

  beforeAll(async () => {
    // The site as magnum-capi-helm left it: its settings, and a cluster rendered from them.
    mkdirSync(join(root, 'etc/magnum'), { recursive: true });
    writeFileSync(join(root, 'etc/magnum/magnum.conf'), [
      '[capi_helm]',
      `kubeconfig_file = ${kubeconfig}`,
      `helm_chart_repo = ${REPO}`,
      'default_helm_chart_version = 0.27.0',
      '',
      '[capi_helm_cluster_labels]',
      'boot_volume_type = ssd',
      'boot_volume_size = 40',
      '',
    ].join('\n'));
    const values = pythonDefault() as Record<string, any>;
    values.cloudCredentialsSecretName = `${stack}-cloud-credentials`;
    values.controlPlane.machineRootVolume = { volumeType: 'ssd', diskSize: 40 };
    values.nodeGroupDefaults.machineRootVolume = { volumeType: 'ssd', diskSize: 40 };
    await seedSecrets(kubeconfig, spec, stack, 'seed-ac-migrated');
    await seedRelease(kubeconfig, REPO, stack, values);
    // What the shim sends for this cluster (no command writes it yet: see the guide's step 3).
    mkdirSync(join(root, 'etc/magnum-capi-sidecar/preview'), { recursive: true });
    writeFileSync(join(root, `etc/magnum-capi-sidecar/preview/${spec.cluster.uuid}.json`), JSON.stringify(withStack(spec, stack, 'CREATE_COMPLETE')));
  });
  afterAll(() => svc?.close());

  it('shows two shell steps and the magnum.conf of the switch', () => {
    expect(blocks(MIGRATION, 'sh')).toHaveLength(2);
    expect(importStep).toContain('import-magnum-conf /etc/magnum/magnum.conf');
    expect(previewStep).toContain('diff --spec');
    expect(blocks(MIGRATION, 'ini')).toHaveLength(1);
    // Step 2 installs the shim as the section that shim/tests/api/ follows word for word.
    expect(MIGRATION).toContain('[Installing the Magnum shim](#installing-the-magnum-shim)');
    expect(GUIDE).toContain('### Installing the Magnum shim');
  });

  it('1: the import carries the chart, the namespaces and the site label defaults', async () => {
    const { stderr } = await run(importStep!);
    expect(stderr).toBe('');
    const config = loadYaml(readFileSync(join(root, 'etc/magnum-capi-sidecar/config.yaml'), 'utf8')) as Record<string, any>;
    expect(config).toMatchObject({
      kubeconfig,
      namespacePrefix: 'magnum',
      chart: { repo: REPO, name: 'openstack-cluster', defaultVersion: '0.27.0' },
      labelDefaults: { boot_volume_type: 'ssd', boot_volume_size: '40' },
    });
  });

  it('3: the preview of every cluster says nothing rolls, and would have said what rolls without the imported defaults', async () => {
    const config = join(root, 'etc/magnum-capi-sidecar/config.yaml');
    const { stdout } = await run(previewStep!);
    expect(stdout).toBe(`${stack}: nothing rolls`);
    // The same preview against a config that lost the site's label defaults: every node would be replaced.
    const imported = loadYaml(readFileSync(config, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(root, 'etc/magnum-capi-sidecar/forgetful.yaml'), JSON.stringify({ ...imported, labelDefaults: {} }));
    const forgetful = await run(previewStep!.replace('/etc/magnum-capi-sidecar/config.yaml', '/etc/magnum-capi-sidecar/forgetful.yaml'));
    expect(forgetful.stdout).toMatch(new RegExp(`^${stack}: The control plane rolls: its machine template is renamed .* Node group default-worker rolls: its machine template is renamed .*\\(its spec changed at spec.template.spec.rootVolume\\)\\.$`));
  });

  it('4: the switch names the shim\'s driver and disables magnum-capi-helm\'s, and the sidecar then drives the cluster as previewed', async () => {
    const [ini] = blocks(MIGRATION, 'ini');
    const entryPoint = /^\[project\.entry-points\."magnum\.drivers"\]\n(\S+) =/m.exec(readFileSync(join(ROOT, 'shim/pyproject.toml'), 'utf8'))?.[1];
    // magnum-capi-helm 1.4.0's entry point in magnum.drivers is k8s_capi_helm_v1.
    expect(ini).toBe(`[drivers]\ndisabled_drivers = k8s_capi_helm_v1\ndefault_driver = ${entryPoint}\n`);

    const config = loadYaml(readFileSync(join(root, 'etc/magnum-capi-sidecar/config.yaml'), 'utf8')) as ConfigInput;
    svc = await startService(kubeconfig, { config });
    await svc.waitReady();
    await expect.poll(async () => (await svc!.app.inject({ method: 'GET', url: `/v1/clusters/${spec.cluster.uuid}`, headers: READER_AUTH })).json().stack_id).toBe(stack);
    const templates = async () => (await k.list('OpenStackMachineTemplate', NAMESPACE)).filter((o) => o.metadata.labels?.['capi.stackhpc.com/cluster'] === stack).map((o) => o.metadata.name).sort();
    const before = await templates();
    // The next mutating call re-renders the values from Magnum's data: as previewed, no template renamed.
    const updated = await svc.app.inject({ method: 'PUT', url: `/v1/clusters/${spec.cluster.uuid}`, headers: AUTH, payload: withStack(spec, stack, 'UPDATE_IN_PROGRESS') });
    expect(updated.statusCode, updated.body).toBe(202);
    expect(updated.json().revision).toBe(2);
    expect(await templates()).toEqual(before);
  });
});
