/** helm argv for a chart in an OCI registry: the reference `oci://host/path/<name>`, always with `--version`. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { pullArgs, templateArgs, upgradeInstallArgs } from '../../../src/helm/args.js';
import { Spec } from '../../../src/magnum/spec.js';
import { createPlanner } from '../../../src/planner.js';
import { minimalSpec } from '../../support/spec.js';

const ref = { release: 'demo-abcdefghij23', namespace: 'magnum-p1' };
const TAIL = ['--install', '--history-max', '10', '--disable-openapi-validation', '--output', 'json', '--timeout', '60s', '--namespace', 'magnum-p1', '--values', '-'];
const REGISTRY = 'oci://registry.example.test/capi/charts';
const REFERENCE = `${REGISTRY}/openstack-cluster`;

describe('helm argv for an oci chart', () => {
  const inRepo = { repo: REGISTRY, name: 'openstack-cluster', version: '0.26.1' };
  const fullReference = { repo: '', name: REFERENCE, version: '0.26.1' };

  it.each([
    ['upgrade, registry in repo', () => upgradeInstallArgs(ref, inRepo, 60), ['upgrade', 'demo-abcdefghij23', REFERENCE, '--version', '0.26.1', ...TAIL]],
    // An empty repo once meant "local directory", and the version was dropped: helm installed the registry's newest.
    ['upgrade, full reference as the name', () => upgradeInstallArgs(ref, fullReference, 60), ['upgrade', 'demo-abcdefghij23', REFERENCE, '--version', '0.26.1', ...TAIL]],
    ['upgrade over plain HTTP with credentials', () => upgradeInstallArgs(ref, inRepo, 60, undefined, 3, { plainHttp: true, registryConfig: '/etc/mcs/registry.json' }), ['upgrade', 'demo-abcdefghij23', REFERENCE, '--version', '0.26.1', '--plain-http', '--registry-config', '/etc/mcs/registry.json', ...TAIL]],
    ['upgrade from the cached archive', () => upgradeInstallArgs(ref, inRepo, 60, '/cache/k/openstack-cluster-0.26.1.tgz', 3, { plainHttp: true }), ['upgrade', 'demo-abcdefghij23', '/cache/k/openstack-cluster-0.26.1.tgz', ...TAIL]],
    ['template', () => templateArgs(ref, fullReference), ['template', 'demo-abcdefghij23', REFERENCE, '--version', '0.26.1', '--namespace', 'magnum-p1', '--values', '-']],
    ['pull, registry in repo', () => pullArgs(inRepo, '/cache/k', { plainHttp: true }), ['pull', REFERENCE, '--version', '0.26.1', '--plain-http', '--destination', '/cache/k']],
    ['pull, full reference as the name', () => pullArgs(fullReference, '/cache/k'), ['pull', REFERENCE, '--version', '0.26.1', '--destination', '/cache/k']],
  ])('%s', (_name, build, expected) => {
    expect(build()).toEqual(expected);
  });

  it('refuses a chart version that is not a version, for a registry too', () => {
    expect(() => pullArgs({ ...inRepo, version: '--set x=y' }, '/cache/k')).toThrow(/not a version/);
    expect(() => upgradeInstallArgs(ref, { ...fullReference, version: '' }, 60)).toThrow(/not a version/);
  });
});

describe('the dry run of a site whose chart is in an OCI registry', () => {
  it('shows the argv helm runs: the reference, the version the template asks for, and the registry flags', async () => {
    const config = parseConfig({ chart: { repo: REGISTRY, plainHttp: true, registryConfig: '/etc/mcs/registry.json' } });
    const planner = await createPlanner(config);
    const spec = minimalSpec();
    spec.cluster.stack_id = 'k8s-cluster-abcdefghij23';
    spec.cluster_template.labels = { capi_helm_chart_version: '0.26.1' };
    const args = planner.helmArgs(planner.plan(Spec.parse(spec)));
    expect(args.slice(1, 6)).toEqual(['upgrade', 'k8s-cluster-abcdefghij23', REFERENCE, '--version', '0.26.1']);
    expect(args).toEqual(expect.arrayContaining(['--plain-http', '--registry-config', '/etc/mcs/registry.json']));
  });
});
