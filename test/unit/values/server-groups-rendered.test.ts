/**
 * server_group_policies rendered by the real `openstack-cluster` chart (every
 * packaged version in ../shared/reference/charts) with the real helm 3: the
 * OpenStackMachineTemplates Cluster API's OpenStack provider reads carry
 * `serverGroup.id`, the control plane's and each group's own.
 */
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { createHelmClient } from '../../../src/helm/client.js';
import { derivedName } from '../../../src/magnum/names.js';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import { loadValueLayers, planRelease, type ValueLayers } from '../../../src/values/index.js';
import { packagedVersions, realChartsDir, skipNotice } from '../../support/chart-repo.js';
import { fixture } from './helpers.js';

const ROOT = join(import.meta.dirname, '../../..');
const CHARTS = realChartsDir();
const helm = createHelmClient({ binary: join(ROOT, '.tools/helm3/helm'), timeoutSeconds: 60 });

if (!CHARTS) process.stderr.write(`${skipNotice('test/unit/values/server-groups-rendered.test.ts')}\n`);

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec?: { serverGroup?: unknown } } };
}

const CONTROL_PLANE_GROUP = '0f0e0d0c-0b0a-4908-8706-050403020100';
const GPU_GROUP = '1f1e1d1c-1b1a-4918-8716-151413121110';

function input(version: string): SpecInput {
  const s = fixture('default');
  const release = s.cluster.stack_id!;
  s.cluster_template.labels = { ...s.cluster_template.labels, capi_helm_chart_version: version };
  s.cluster.labels = { server_group_policies: 'anti-affinity' };
  s.nodegroups = [
    // Each worker group with a policy of its own, so each template must carry its own group's id.
    ...(s.nodegroups ?? []).map((g) => (g.role === 'master' ? g : { ...g, labels: { server_group_policies: 'soft-anti-affinity' } })),
    { uuid: '33333333-3333-4333-8333-333333333333', name: 'gpu', role: 'worker', node_count: 1, flavor_id: 'm1.medium', labels: { server_group_policies: 'affinity' }, is_default: false },
  ];
  s.resolved.server_groups = {
    [`${release}-control-plane`]: { id: CONTROL_PLANE_GROUP, policy: 'anti-affinity' },
    [`${release}-default-worker`]: { id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', policy: 'soft-anti-affinity' },
    [`${release}-gpu`]: { id: GPU_GROUP, policy: 'affinity' },
  };
  return s;
}

function machineTemplate(objects: K8sObject[], prefix: string): K8sObject {
  const hit = objects.find((o) => o.kind === 'OpenStackMachineTemplate' && new RegExp(`^${prefix}-[0-9a-f]{8}$`).test(o.metadata.name));
  if (!hit) throw new Error(`no OpenStackMachineTemplate ${prefix}-* among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return hit;
}

describe.skipIf(!CHARTS)('server groups rendered by the real chart', () => {
  let layers: ValueLayers;

  beforeAll(async () => {
    layers = await loadValueLayers(parseConfig({}), ROOT);
  });

  it.each(CHARTS ? packagedVersions(CHARTS) : [])('chart %s: the control plane and each group join their own server group', async (version) => {
    const spec = Spec.parse(input(version));
    const plan = planRelease(spec, parseConfig({}), layers);
    const out = await helm.template({ ...plan, chart: { repo: '', name: join(CHARTS!, `openstack-cluster-${version}.tgz`), version } });
    const objects = (loadAll(out) as (K8sObject | null)[]).filter((o): o is K8sObject => o !== null);
    const release = spec.cluster.stack_id!;
    const serverGroup = (prefix: string) => machineTemplate(objects, prefix).spec?.template?.spec?.serverGroup;
    expect(serverGroup(derivedName(release, 'control-plane'))).toEqual({ id: CONTROL_PLANE_GROUP });
    expect(serverGroup(derivedName(release, 'gpu'))).toEqual({ id: GPU_GROUP });
    expect(serverGroup(derivedName(release, 'default-worker'))).toEqual({ id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' });
  });

  it('without the label no machine template names a server group (as magnum-capi-helm renders them)', async () => {
    const s = fixture('default');
    const plan = planRelease(Spec.parse(s), parseConfig({}), layers);
    const out = await helm.template({ ...plan, chart: { repo: '', name: join(CHARTS!, 'openstack-cluster-0.27.0.tgz'), version: '0.27.0' } });
    const templates = (loadAll(out) as (K8sObject | null)[]).filter((o): o is K8sObject => o?.kind === 'OpenStackMachineTemplate');
    expect(templates.length).toBeGreaterThan(1);
    for (const t of templates) expect(t.spec?.template?.spec?.serverGroup).toBeUndefined();
  });
});
