import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ConfigInput } from '../../../src/config.js';
import { createPlanner } from '../../../src/planner.js';
import { checkLabelDefaults } from '../../../src/values/site-check.js';

function problems(labelDefaults: Record<string, string>, site: ConfigInput = {}): string[] {
  try {
    checkLabelDefaults(parseConfig({ ...site, labelDefaults }));
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('site label defaults are checked at start-up', () => {
  it.each([
    ['monitoring_enabled', 'true'],
    ['auto_scaling_enabled', 'yes'],
    ['boot_volume_size', '40'],
    ['fixed_subnet_cidr', '10.1.0.0/16'],
    ['octavia_provider', 'ovn'],
    ['csi_cinder_reclaim_policy', 'Delete'],
    ['api_master_lb_allowed_cidrs', '10.0.0.0/8,192.168.1.1'],
  ])('a well-formed %s=%s passes', (name, value) => {
    expect(problems({ [name]: value })).toEqual([]);
  });

  it('names every malformed default at once, as a setting of the site', () => {
    expect(problems({ monitoring_enabled: 'perhaps', boot_volume_size: 'big', octavia_provider: 'ovn', fixed_subnet_cidr: '10.0.0.0/33' })).toEqual([
      'labelDefaults.monitoring_enabled: label monitoring_enabled: expected boolean, got "perhaps"',
      'labelDefaults.boot_volume_size: label boot_volume_size: expected integer, got "big"',
      expect.stringMatching(/^labelDefaults\.fixed_subnet_cidr: label fixed_subnet_cidr: expected /),
    ]);
  });

  it.each([
    ['etcd_blockdevice_type', 'bogus'],
    ['etcd_blockdevice_volume_type', '{{ 7 * 7 }}'],
    ['etcd_volume_type', 'yes'],
    ['etcd_blockdevice_volume_az', 'yes'],
  ])('%s=%s, read only beside an etcd size, is caught too', (name, value) => {
    expect(problems({ [name]: value })).toEqual([expect.stringMatching(new RegExp(`^labelDefaults\\.${name}: label ${name}: expected `))]);
  });

  it('defaults are probed one at a time, so coupled rules are left to each cluster', () => {
    // Together these refuse a 1-node cluster, but suit clusters of 3 or more: not a site error.
    expect(problems({ auto_scaling_enabled: 'true', min_node_count: '3' })).toEqual([]);
  });

  it('probes within the site\'s own limits and volume type', () => {
    expect(problems({ monitoring_enabled: 'true' }, { limits: { minFlavorRamMb: 65536, minFlavorVcpus: 32 }, defaultVolumeType: 'gold' })).toEqual([]);
  });

  it('the planner, and so the service, refuses to start on a malformed default', async () => {
    await expect(createPlanner(parseConfig({ labelDefaults: { kube_dashboard_enabled: 'maybe' } }))).rejects.toThrow(
      /labelDefaults\.kube_dashboard_enabled: label kube_dashboard_enabled: expected boolean/,
    );
  });
});
