/**
 * The boot volume falls back to Magnum's `[cinder] default_boot_volume_type`
 * and `default_boot_volume_size` (sent by the shim in `resolved`) exactly as
 * magnum-capi-helm 1.4.0 falls back: a label (cluster over template) first,
 * then the site default, then Magnum's; a size of 0 set at any level means no
 * size, and Magnum's is then not consulted.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/errors.js';
import { at, render, specWith } from './helpers.js';

interface Row {
  what: string;
  cluster?: Record<string, string>;
  template?: Record<string, string>;
  site?: Record<string, string>;
  cinder?: { type?: string | null; size?: number | null };
  /** machineRootVolume of the control plane and of nodeGroupDefaults; undefined: none (local disks). */
  want: { volumeType?: string; diskSize?: number } | undefined;
}

const ROWS: Row[] = [
  { what: 'nothing set: local disks', want: undefined },
  { what: 'Magnum\'s type and size', cinder: { type: 'ceph-ssd', size: 40 }, want: { volumeType: 'ceph-ssd', diskSize: 40 } },
  { what: 'Magnum\'s size alone', cinder: { size: 40 }, want: { diskSize: 40 } },
  { what: 'Magnum\'s type alone', cinder: { type: 'ceph-ssd' }, want: { volumeType: 'ceph-ssd' } },
  { what: 'Magnum\'s defaults as sent when unset', cinder: { type: null, size: null }, want: undefined },
  { what: 'Magnum\'s size 0 is none', cinder: { size: 0 }, want: undefined },
  { what: 'a site default over Magnum\'s', site: { boot_volume_type: 'nvme', boot_volume_size: '20' }, cinder: { type: 'ceph-ssd', size: 40 }, want: { volumeType: 'nvme', diskSize: 20 } },
  { what: 'a template label over Magnum\'s', template: { boot_volume_type: 'nvme' }, cinder: { type: 'ceph-ssd', size: 40 }, want: { volumeType: 'nvme', diskSize: 40 } },
  { what: 'a cluster label over Magnum\'s', cluster: { boot_volume_size: '60' }, cinder: { type: 'ceph-ssd', size: 40 }, want: { volumeType: 'ceph-ssd', diskSize: 60 } },
  { what: 'a site default size of 0 stops Magnum\'s', site: { boot_volume_size: '0' }, cinder: { size: 40 }, want: undefined },
  { what: 'a cluster label size of 0 stops Magnum\'s', cluster: { boot_volume_size: '0' }, cinder: { size: 40 }, want: undefined },
  { what: 'an empty cluster label falls through to Magnum\'s', cluster: { boot_volume_size: '', boot_volume_type: '' }, cinder: { type: 'ceph-ssd', size: 40 }, want: { volumeType: 'ceph-ssd', diskSize: 40 } },
];

describe('boot volume: labels, site defaults, then Magnum\'s [cinder] defaults', () => {
  it.each(ROWS)('$what', ({ cluster = {}, template = {}, site = {}, cinder, want }) => {
    const spec = specWith((s) => {
      s.cluster.labels = cluster;
      s.cluster_template.labels = template;
      if (cinder && 'type' in cinder) s.resolved.default_boot_volume_type = cinder.type;
      if (cinder && 'size' in cinder) s.resolved.default_boot_volume_size = cinder.size;
    });
    const values = render(spec, { labelDefaults: site });
    expect(at(values, 'controlPlane.machineRootVolume')).toEqual(want);
    expect(at(values, 'nodeGroupDefaults.machineRootVolume')).toEqual(want);
  });

  it('a Magnum type the chart could not write safely is a 400 naming the field', () => {
    const spec = specWith((s) => {
      s.resolved.default_boot_volume_type = 'ssd {{ x }}';
    });
    const run = () => render(spec);
    expect(run).toThrow(InvalidInput);
    expect(run).toThrow('resolved.default_boot_volume_type "ssd {{ x }}" must be a plain volume type name');
  });
});
