/** Loading charts-values/ and the operator's overlays, and their place around the generated values. */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config.js';
import { InvalidInput } from '../../../src/errors.js';
import { loadValueLayers, planRelease } from '../../../src/values/index.js';
import { specWith } from './helpers.js';

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mcs-layers-'));
  await mkdir(join(root, 'charts-values'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
  return root;
}

describe('loadValueLayers', () => {
  it('reads every base file in name order and the overlays in config order', async () => {
    const root = await project({
      'charts-values/20-b.yaml': 'order: [b]\n',
      'charts-values/10-a.yml': 'order: [a]\n',
      'charts-values/notes.txt': 'not values',
      'o1.yaml': 'order: [o1]\n',
      'o2.yaml': '# empty\n',
    });
    const layers = await loadValueLayers(parseConfig({ valuesOverlays: [join(root, 'o1.yaml'), join(root, 'o2.yaml')] }), root);
    expect(layers).toEqual({ base: [{ order: ['a'] }, { order: ['b'] }], overlays: [{ order: ['o1'] }, {}] });
  });

  it('a project without charts-values/ has no base layers', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mcs-layers-'));
    expect(await loadValueLayers(parseConfig({}), root)).toEqual({ base: [], overlays: [] });
  });

  it.each([
    ['a missing overlay', null, /valuesOverlays: .*missing\.yaml/],
    ['invalid YAML', 'a: [1\n', /valuesOverlays: .*bad\.yaml/],
    ['a YAML list', '- 1\n', /must hold a YAML mapping/],
  ])('%s is a configuration error', async (_name, text, message) => {
    const file = text === null ? 'missing.yaml' : 'bad.yaml';
    const root = await project(text === null ? {} : { [file]: text });
    const run = loadValueLayers(parseConfig({ valuesOverlays: [join(root, file)] }), root);
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toThrow(message);
  });

  it('the shipped charts-values/ parse', async () => {
    const layers = await loadValueLayers(parseConfig({}), join(import.meta.dirname, '../../..'));
    expect(layers.base.length).toBeGreaterThan(0);
  });
});

describe('planRelease layering', () => {
  it('base < generated < overlays', () => {
    const layers = {
      base: [{ apiServer: { associateFloatingIP: false, port: 6443 }, extra: ['base'] }],
      overlays: [{ controlPlane: { machineCount: 5 }, extra: ['overlay'], monitoring: null }],
    };
    const plan = planRelease(specWith(), parseConfig({}), layers);
    expect(plan.values.apiServer).toMatchObject({ associateFloatingIP: true, port: 6443 });
    expect((plan.values.controlPlane as { machineCount: number }).machineCount).toBe(5);
    expect(plan.values.extra).toEqual(['base', 'overlay']);
  });

  it('refuses a spec without its release name', () => {
    const spec = specWith((s) => void (s.cluster.stack_id = null));
    expect(() => planRelease(spec, parseConfig({}), { base: [], overlays: [] })).toThrow(InvalidInput);
  });

  it.each(['K8s-Cluster-abc', 'k8s_cluster', '-k8s-abcdefghij23', 'k8s-', 'k8s.cluster', 'x'.repeat(54)])('refuses the release name %j: helm and Kubernetes would', (release) => {
    const spec = specWith((s) => void (s.cluster.stack_id = release));
    const run = () => planRelease(spec, parseConfig({}), { base: [], overlays: [] });
    expect(run).toThrow(InvalidInput);
    expect(run).toThrow(/cluster.stack_id .* must be a DNS label of at most 53 characters/);
  });

  it.each(['x'.repeat(53), 'abc--defghijklmnop', 'none-abcdefghij23'])('accepts the release name %j (magnum-capi-helm made such names)', (release) => {
    expect(planRelease(specWith((s) => void (s.cluster.stack_id = release)), parseConfig({}), { base: [], overlays: [] }).release).toBe(release);
  });

  it('names the release, namespace and chart', () => {
    const plan = planRelease(specWith(), parseConfig({ namespacePrefix: 'mcs', chart: { repo: '', name: '/charts/oc' } }), { base: [], overlays: [] });
    expect(plan).toMatchObject({
      release: 'k8s-cluster-abcdefghij23',
      namespace: 'mcs-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b',
      chart: { repo: '', name: '/charts/oc', version: '0.27.0' },
    });
  });
});
