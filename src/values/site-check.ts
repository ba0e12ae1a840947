/**
 * A start-up check of the site's label defaults. Labels are typed where they
 * are read, per concern, so the one reliable test of a default is to render
 * with it: each default alone, over a small valid cluster with no labels of its
 * own. A malformed default then stops the service naming the setting, instead
 * of refusing every tenant's cluster with a 422 that blames their labels.
 */
import { ConfigError, type Config } from '../config.js';
import { InvalidLabel } from '../errors.js';
import { Spec } from '../magnum/spec.js';
import { toChartValues } from './index.js';

const FLAVOR = 'site-check';

/**
 * Template labels of each probe. Some labels are read only when another one
 * asks for them (the etcd volume's type and zone only with an etcd size), so
 * each default is also rendered beside a template that turns those on.
 */
const PROBE_TEMPLATES: Record<string, string>[] = [{}, { etcd_blockdevice_size: '1' }];

/** Valid under the site's own limits, so only the label under test can be refused. */
function probeSpec(site: Config, templateLabels: Record<string, string>): Spec {
  const volumeTypes = site.defaultVolumeType ? [site.defaultVolumeType] : ['__DEFAULT__'];
  return Spec.parse({
    cluster: {
      uuid: '00000000-0000-4000-8000-000000000000',
      name: 'site-check',
      project_id: '00000000000040008000000000000000',
      stack_id: 'site-check-aaaaaaaaaaaa',
      status: 'CREATE_IN_PROGRESS',
      labels: {},
      master_flavor_id: FLAVOR,
      flavor_id: FLAVOR,
      master_count: 1,
      node_count: 1,
    },
    cluster_template: { uuid: '00000000-0000-4000-8000-000000000001', name: 'site-check', labels: templateLabels, image_id: 'site-check' },
    nodegroups: [
      { uuid: '00000000-0000-4000-8000-000000000002', name: 'default-master', role: 'master', node_count: 1, is_default: true, labels: {} },
      { uuid: '00000000-0000-4000-8000-000000000003', name: 'default-worker', role: 'worker', node_count: 1, is_default: true, labels: {} },
    ],
    resolved: {
      image: { id: '00000000-0000-4000-8000-000000000004', kube_version: 'v1.31.0', os_distro: 'ubuntu' },
      flavors: { [FLAVOR]: { id: FLAVOR, name: FLAVOR, vcpus: site.limits.minFlavorVcpus, ram: site.limits.minFlavorRamMb } },
      volume_types: volumeTypes,
      auth_url: 'https://keystone.invalid/v3',
      project_id: '00000000000040008000000000000000',
    },
  });
}

/**
 * Throws a ConfigError naming every malformed label default. Defaults that are
 * well-formed but break a rule for some clusters (a minimum node count above a
 * small cluster's size) are not errors of the site: each cluster is judged on its own.
 */
function labelRefusal(render: () => unknown): string | undefined {
  try {
    render();
    return undefined;
  } catch (err) {
    return err instanceof InvalidLabel ? err.message : undefined;
  }
}

export function checkLabelDefaults(site: Config): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(site.labelDefaults)) {
    const alone: Config = { ...site, labelDefaults: { [name]: value } };
    const refusal = PROBE_TEMPLATES.map((labels) => labelRefusal(() => toChartValues(probeSpec(alone, labels), alone))).find(Boolean);
    if (refusal) problems.push(`labelDefaults.${name}: ${refusal}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
