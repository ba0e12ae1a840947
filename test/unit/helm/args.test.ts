/** argv for each helm command: a table per command; nothing user-shaped becomes a flag. */
import { describe, expect, it } from 'vitest';
import { historyArgs, pullArgs, rollbackArgs, templateArgs, uninstallArgs, upgradeInstallArgs } from '../../../src/helm/args.js';
import { dryRunUpgradeArgs } from '../../../src/helm/dry-run.js';
import { getManifestArgs } from '../../../src/helm/get-manifest.js';

const ref = { release: 'demo-abcdefghij23', namespace: 'magnum-p1' };
const repoChart = { repo: 'https://charts.example.test', name: 'openstack-cluster', version: '0.27.0' };
const localChart = { repo: '', name: '/charts/openstack-cluster', version: '' };
const ociChart = { repo: '', name: 'oci://registry.example.test/charts/openstack-cluster', version: '0.27.0' };

describe('helm argv', () => {
  it.each([
    ['upgrade from a repository', () => upgradeInstallArgs(ref, repoChart, 300), ['upgrade', 'demo-abcdefghij23', 'openstack-cluster', '--repo', 'https://charts.example.test', '--version', '0.27.0', '--install', '--history-max', '10', '--disable-openapi-validation', '--output', 'json', '--timeout', '300s', '--namespace', 'magnum-p1', '--values', '-']],
    ['upgrade from a cached archive', () => upgradeInstallArgs(ref, repoChart, 60, '/cache/x/openstack-cluster-0.27.0.tgz'), ['upgrade', 'demo-abcdefghij23', '/cache/x/openstack-cluster-0.27.0.tgz', '--install', '--history-max', '10', '--disable-openapi-validation', '--output', 'json', '--timeout', '60s', '--namespace', 'magnum-p1', '--values', '-']],
    ['upgrade from a local chart', () => upgradeInstallArgs(ref, localChart, 60), ['upgrade', 'demo-abcdefghij23', '/charts/openstack-cluster', '--install', '--history-max', '10', '--disable-openapi-validation', '--output', 'json', '--timeout', '60s', '--namespace', 'magnum-p1', '--values', '-']],
    ['template', () => templateArgs(ref, localChart), ['template', 'demo-abcdefghij23', '/charts/openstack-cluster', '--namespace', 'magnum-p1', '--values', '-']],
    ['uninstall', () => uninstallArgs(ref, 300), ['uninstall', 'demo-abcdefghij23', '--namespace', 'magnum-p1', '--timeout', '300s']],
    ['history', () => historyArgs(ref), ['history', 'demo-abcdefghij23', '--namespace', 'magnum-p1', '--output', 'json', '--max', '20']],
    ['rollback', () => rollbackArgs(ref, 3, 300), ['rollback', 'demo-abcdefghij23', '3', '--namespace', 'magnum-p1', '--timeout', '300s', '--history-max', '10']],
    // helm 4 applies client-side, as helm 3 does (server-side apply refuses fields another manager changed).
    ['upgrade with helm 4', () => upgradeInstallArgs(ref, localChart, 60, undefined, 4), ['upgrade', 'demo-abcdefghij23', '/charts/openstack-cluster', '--install', '--history-max', '10', '--disable-openapi-validation', '--output', 'json', '--timeout', '60s', '--namespace', 'magnum-p1', '--values', '-', '--server-side=false']],
    ['rollback with helm 4', () => rollbackArgs(ref, 3, 300, 4), ['rollback', 'demo-abcdefghij23', '3', '--namespace', 'magnum-p1', '--timeout', '300s', '--history-max', '10', '--server-side=false']],
    // A preview: the real upgrade's argv, helm 3 or 4, with the server-side dry run added.
    ['dry run', () => dryRunUpgradeArgs(ref, repoChart, 300), [...upgradeInstallArgs(ref, repoChart, 300), '--dry-run=server']],
    ['dry run with helm 4', () => dryRunUpgradeArgs(ref, localChart, 60, undefined, 4), ['upgrade', 'demo-abcdefghij23', '/charts/openstack-cluster', '--install', '--history-max', '10', '--disable-openapi-validation', '--output', 'json', '--timeout', '60s', '--namespace', 'magnum-p1', '--values', '-', '--server-side=false', '--dry-run=server']],
    ['manifest of the latest revision', () => getManifestArgs(ref), ['get', 'manifest', 'demo-abcdefghij23', '--namespace', 'magnum-p1']],
    ['manifest of a revision', () => getManifestArgs(ref, 4), ['get', 'manifest', 'demo-abcdefghij23', '--namespace', 'magnum-p1', '--revision', '4']],
    ['pull', () => pullArgs(repoChart, '/cache/x'), ['pull', 'openstack-cluster', '--repo', 'https://charts.example.test', '--version', '0.27.0', '--destination', '/cache/x']],
    // magnum-capi-helm's OCI form (helm_chart_repo empty): without --version helm would install the newest chart.
    ['upgrade from an OCI reference', () => upgradeInstallArgs(ref, ociChart, 60), ['upgrade', 'demo-abcdefghij23', 'oci://registry.example.test/charts/openstack-cluster', '--version', '0.27.0', '--install', '--history-max', '10', '--disable-openapi-validation', '--output', 'json', '--timeout', '60s', '--namespace', 'magnum-p1', '--values', '-']],
    ['template from an OCI reference', () => templateArgs(ref, ociChart), ['template', 'demo-abcdefghij23', 'oci://registry.example.test/charts/openstack-cluster', '--version', '0.27.0', '--namespace', 'magnum-p1', '--values', '-']],
  ])('%s', (_name, build, expected) => {
    expect(build()).toEqual(expected);
  });

  it.each([
    ['a release that looks like a flag', { release: '--kubeconfig=/tmp/x', namespace: 'magnum-p1' }, /not a valid helm release name/],
    ['a release with shell characters', { release: 'a;rm -rf', namespace: 'magnum-p1' }, /not a valid helm release name/],
    ['an upper-case release', { release: 'Demo', namespace: 'magnum-p1' }, /not a valid helm release name/],
    ['a namespace with a path', { release: 'demo', namespace: '../kube-system' }, /not a valid namespace/],
  ])('refuses %s before running helm', (_name, bad, message) => {
    expect(() => upgradeInstallArgs(bad, repoChart, 60)).toThrow(message);
    expect(() => uninstallArgs(bad, 60)).toThrow(message);
    expect(() => getManifestArgs(bad)).toThrow(message);
  });

  it('refuses a repository chart version that is not a version', () => {
    expect(() => upgradeInstallArgs(ref, { ...repoChart, version: '--set x=y' }, 60)).toThrow(/not a version/);
    expect(() => upgradeInstallArgs(ref, { ...ociChart, version: '--set x=y' }, 60)).toThrow(/not a version/);
  });
});
