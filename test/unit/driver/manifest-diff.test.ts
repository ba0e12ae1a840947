/** Two manifests compared: objects created, changed (paths only, never values) and deleted. */
import { describe, expect, it } from 'vitest';
import { compareManifests, differingPaths, MAX_PATHS, parseManifest } from '../../../src/driver/manifest-diff.js';

const doc = (kind: string, name: string, body: string, apiVersion = 'v1', metadata = '') =>
  `---\n# Source: chart/templates/${name}.yaml\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${metadata}${body}`;

describe('parseManifest', () => {
  it('keys objects by group, kind and name, skipping empty documents and comments', () => {
    const objects = parseManifest([
      '---\n# an empty document\n',
      doc('Secret', 'a', 'stringData: {x: "1"}'),
      doc('MachineDeployment', 'a', 'spec: {replicas: 2}', 'cluster.x-k8s.io/v1beta1'),
    ].join('\n'));
    expect([...objects.keys()]).toEqual(['/Secret/a', 'cluster.x-k8s.io/MachineDeployment/a']);
  });

  it('keeps the key across an API version change of the same kind', () => {
    const older = parseManifest(doc('OpenStackCluster', 'c', 'spec: {}', 'infrastructure.cluster.x-k8s.io/v1alpha7'));
    const newer = parseManifest(doc('OpenStackCluster', 'c', 'spec: {}', 'infrastructure.cluster.x-k8s.io/v1beta1'));
    expect(compareManifests(older, newer)).toEqual({ created: [], deleted: [], changed: [{ kind: 'OpenStackCluster', name: 'c', paths: ['apiVersion'] }] });
  });
});

describe('differingPaths', () => {
  it.each([
    { name: 'equal', a: { x: 1 }, b: { x: 1 }, paths: [] },
    { name: 'a scalar', a: { spec: { replicas: 2 } }, b: { spec: { replicas: 5 } }, paths: ['spec.replicas'] },
    { name: 'a key added', a: { spec: {} }, b: { spec: { rootVolume: { sizeGiB: 50 } } }, paths: ['spec.rootVolume'] },
    { name: 'a list element', a: { files: ['a', 'b'] }, b: { files: ['a', 'c'] }, paths: ['files[1]'] },
    { name: 'a list grown', a: { files: ['a'] }, b: { files: ['a', 'b'] }, paths: ['files[1]'] },
    { name: 'a type change', a: { v: '1' }, b: { v: 1 }, paths: ['v'] },
    { name: 'the root', a: 1, b: 2, paths: ['.'] },
  ])('$name', ({ a, b, paths }) => {
    expect(differingPaths(a, b)).toEqual(paths);
  });
});

describe('compareManifests', () => {
  const before = parseManifest([
    doc('Secret', 'addon-config', 'stringData:\n  values: "password: old-SECRET-value"'),
    doc('MachineDeployment', 'md', 'spec: {replicas: 2}', 'cluster.x-k8s.io/v1beta1'),
    doc('OpenStackMachineTemplate', 'tpl-1', 'spec: {}', 'infrastructure.cluster.x-k8s.io/v1beta1', '  annotations: {helm.sh/resource-policy: keep}\n'),
    doc('ConfigMap', 'gone', 'data: {}'),
  ].join('\n'));
  const after = parseManifest([
    doc('Secret', 'addon-config', 'stringData:\n  values: "password: new-SECRET-value"'),
    doc('MachineDeployment', 'md', 'spec: {replicas: 2}', 'cluster.x-k8s.io/v1beta1'),
    doc('OpenStackMachineTemplate', 'tpl-2', 'spec: {}', 'infrastructure.cluster.x-k8s.io/v1beta1'),
  ].join('\n'));

  it('names what is created, changed and deleted, and which deletions helm keeps', () => {
    expect(compareManifests(before, after)).toEqual({
      created: [{ kind: 'OpenStackMachineTemplate', name: 'tpl-2' }],
      changed: [{ kind: 'Secret', name: 'addon-config', paths: ['stringData.values'] }],
      deleted: [{ kind: 'ConfigMap', name: 'gone', kept: false }, { kind: 'OpenStackMachineTemplate', name: 'tpl-1', kept: true }],
    });
  });

  it('never carries a value, so a preview cannot read a Secret', () => {
    const text = JSON.stringify(compareManifests(before, after));
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('password');
  });

  it(`lists at most ${MAX_PATHS} paths of an object and counts the rest`, () => {
    const many = (n: number) => `data:\n${Array.from({ length: 30 }, (_, i) => `  k${String(i).padStart(2, '0')}: "${n}"`).join('\n')}`;
    const [changed] = compareManifests(parseManifest(doc('ConfigMap', 'c', many(1))), parseManifest(doc('ConfigMap', 'c', many(2)))).changed;
    expect(changed!.paths).toHaveLength(MAX_PATHS + 1);
    expect(changed!.paths.at(-1)).toBe('… 10 more');
  });
});
