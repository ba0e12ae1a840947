import { describe, expect, it } from 'vitest';
import { machineAliases, selectMachines, type MachineLike } from '../../../src/kube/machines.js';

function machine(name: string, server: string, node?: string): MachineLike {
  return {
    metadata: { name },
    spec: { providerID: `openstack:///${server}`, infrastructureRef: { name: `${name}-osm` } },
    ...(node ? { status: { nodeRef: { name: node } } } : {}),
  };
}

const a = machine('demo-abc-default-worker-x1', '0b7c6a6e-1111-4b4b-9c9c-000000000001', 'demo-abc-default-worker-x1-node');
const b = machine('demo-abc-default-worker-x2', '0b7c6a6e-2222-4b4b-9c9c-000000000002');

describe('nodes_to_remove → machines', () => {
  it('knows a machine by machine name, node name, server uuid, provider id and infrastructure name', () => {
    expect(machineAliases(a)).toEqual([
      'demo-abc-default-worker-x1',
      'demo-abc-default-worker-x1-node',
      'demo-abc-default-worker-x1-osm',
      'openstack:///0b7c6a6e-1111-4b4b-9c9c-000000000001',
      '0b7c6a6e-1111-4b4b-9c9c-000000000001',
    ]);
  });

  it.each([
    [['0b7c6a6e-2222-4b4b-9c9c-000000000002'], [b]],
    [['demo-abc-default-worker-x1-node', 'demo-abc-default-worker-x2'], [a, b]],
    [['demo-abc-default-worker-x1', '0b7c6a6e-1111-4b4b-9c9c-000000000001'], [a]],
  ])('%j selects the named machines once each', (nodes, expected) => {
    expect(selectMachines([a, b], nodes)).toEqual(expected);
  });

  it('refuses a node that matches no machine, naming it, before anything is marked', () => {
    expect(() => selectMachines([a, b], ['demo-abc-default-worker-x1', 'ghost'])).toThrow(/named "ghost"/);
  });
});
