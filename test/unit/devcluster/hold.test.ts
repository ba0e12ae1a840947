import { describe, expect, it } from 'vitest';
import { holdsByNamespace, parseHold, PLAYER_HOLD_ANNOTATION, type HoldableKind } from '../../../src/devcluster/hold.js';

describe('the player hold annotation', () => {
  it.each<[string | undefined, HoldableKind, string, boolean]>([
    [undefined, 'OpenStackCluster', 'a', false],
    ['', 'OpenStackCluster', 'a', false],
    ['OpenStackCluster', 'OpenStackCluster', 'a', true],
    ['OpenStackCluster', 'KubeadmControlPlane', 'a-control-plane', false],
    ['Manifests/a-loki-stack-dashboards', 'Manifests', 'a-loki-stack-dashboards', true],
    ['Manifests/a-loki-stack-dashboards', 'Manifests', 'a-cni-calico', false],
    ['Manifests/a-loki-stack-dashboards', 'HelmRelease', 'a-loki-stack-dashboards', false],
    [' OpenStackCluster , HelmRelease/a-cni ', 'HelmRelease', 'a-cni', true],
    [' OpenStackCluster , HelmRelease/a-cni ', 'OpenStackCluster', 'b', true],
  ])('%j holds %s %s: %s', (value, kind, name, expected) => {
    expect(parseHold(value)(kind, name)).toBe(expected);
  });

  it.each(['Cluster', 'Machine/x', 'openstackcluster'])('refuses %j, which names no played kind', (value) => {
    expect(() => parseHold(value)).toThrow(/names no played kind/);
  });

  it('holds everything in a namespace whose annotation is wrong, and says so', () => {
    const invalid: string[] = [];
    const holds = holdsByNamespace([
      { name: 'magnum-a', annotations: { [PLAYER_HOLD_ANNOTATION]: 'Machine' } },
      { name: 'magnum-b', annotations: { [PLAYER_HOLD_ANNOTATION]: 'OpenStackCluster' } },
      { name: 'magnum-c' },
    ], (ns) => invalid.push(ns));
    expect(invalid).toEqual(['magnum-a']);
    expect(holds.get('magnum-a')?.('HelmRelease', 'x')).toBe(true);
    expect(holds.get('magnum-b')?.('HelmRelease', 'x')).toBe(false);
    expect(holds.has('magnum-c')).toBe(false);
  });
});
