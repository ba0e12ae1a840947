/**
 * server_group_policies: which Nova server group the control plane and each
 * worker group join, under which policy (default, template label, cluster
 * label, node-group label, site default, malformed), the ids the shim sends
 * turned into the chart's serverGroupId, and a policy Nova cannot change
 * refused.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config.js';
import { InvalidInput, InvalidLabel, NotSupported } from '../../../src/errors.js';
import { labelReader } from '../../../src/magnum/labels.js';
import { planServerGroups, requireResolvedServerGroups, serverGroupNames } from '../../../src/magnum/server-groups.js';
import type { Labels, SpecInput } from '../../../src/magnum/spec.js';
import { checkLabelDefaults } from '../../../src/values/site-check.js';
import { at, render, specWith } from './helpers.js';

const RELEASE = 'k8s-cluster-abcdefghij23';
const CP = `${RELEASE}-control-plane`;
const WORKER = `${RELEASE}-default-worker`;
const GPU = `${RELEASE}-gpu-nodes`;
const IDS: Record<string, string> = {
  [CP]: 'a0000000-0000-4000-8000-00000000000c',
  [WORKER]: 'b0000000-0000-4000-8000-00000000000d',
  [GPU]: 'c0000000-0000-4000-8000-00000000000e',
};

interface Case {
  name: string;
  template?: Labels;
  cluster?: Labels;
  /** Labels of the extra group "GPU nodes". */
  group?: Labels;
  site?: Labels;
  /** Policies of the control plane, the default worker group and "GPU nodes"; undefined: no server group. */
  want: [string | undefined, string | undefined, string | undefined];
}

const cases: Case[] = [
  { name: 'default: no server group anywhere', want: [undefined, undefined, undefined] },
  { name: 'template label', template: { server_group_policies: 'anti-affinity' }, want: ['anti-affinity', 'anti-affinity', 'anti-affinity'] },
  { name: 'cluster label over the template', template: { server_group_policies: 'affinity' }, cluster: { server_group_policies: 'soft-anti-affinity' }, want: ['soft-anti-affinity', 'soft-anti-affinity', 'soft-anti-affinity'] },
  { name: "node-group label places that group only", cluster: { server_group_policies: 'anti-affinity' }, group: { server_group_policies: 'affinity' }, want: ['anti-affinity', 'anti-affinity', 'affinity'] },
  { name: 'node-group label without a cluster label', group: { server_group_policies: 'soft-affinity' }, want: [undefined, undefined, 'soft-affinity'] },
  { name: "an empty node-group label falls back to the cluster's", cluster: { server_group_policies: 'affinity' }, group: { server_group_policies: ' ' }, want: ['affinity', 'affinity', 'affinity'] },
  { name: 'site default', site: { server_group_policies: 'soft-anti-affinity' }, want: ['soft-anti-affinity', 'soft-anti-affinity', 'soft-anti-affinity'] },
  { name: 'template label over the site default', site: { server_group_policies: 'soft-anti-affinity' }, template: { server_group_policies: 'anti-affinity' }, want: ['anti-affinity', 'anti-affinity', 'anti-affinity'] },
  { name: "vexxhost's comma list of one policy, any case", cluster: { server_group_policies: 'Anti-Affinity,' }, want: ['anti-affinity', 'anti-affinity', 'anti-affinity'] },
];

function spec(c: Pick<Case, 'template' | 'cluster' | 'group'>, serverGroups?: (name: string) => { id: string; policy: string } | undefined) {
  return specWith((s: SpecInput) => {
    s.cluster_template.labels = c.template ?? {};
    s.cluster.labels = c.cluster ?? {};
    s.nodegroups = [
      ...(s.nodegroups ?? []),
      { uuid: '33333333-3333-4333-8333-333333333333', name: 'GPU nodes', role: 'worker', node_count: 1, flavor_id: 'm1.medium', labels: c.group ?? {}, is_default: false },
    ];
    if (serverGroups) {
      s.resolved.server_groups = Object.fromEntries([CP, WORKER, GPU].flatMap((n) => {
        const g = serverGroups(n);
        return g ? [[n, g]] : [];
      }));
    }
  });
}

const ids = (want: Case['want']) => (name: string) => {
  const policy = want[[CP, WORKER, GPU].indexOf(name)];
  return policy ? { id: IDS[name]!, policy } : undefined;
};

describe.each(cases)('server_group_policies: $name', (c) => {
  const site = { labelDefaults: c.site ?? {} };

  it('plans one group per placed part, named after what it holds', () => {
    const s = spec(c);
    const plans = planServerGroups(s, labelReader(s.cluster.labels, s.cluster_template.labels, c.site ?? {}), RELEASE);
    const expected = [[CP, null, c.want[0]], [WORKER, 'default-worker', c.want[1]], [GPU, 'GPU nodes', c.want[2]]]
      .filter(([, , policy]) => policy !== undefined)
      .map(([name, nodegroup, policy]) => ({ name, nodegroup, policy, id: null }));
    expect(plans).toEqual(expected);
  });

  it('renders the ids the shim sent as serverGroupId', () => {
    const values = render(spec(c, ids(c.want)), site);
    expect(at(values, 'controlPlane.serverGroupId')).toEqual(c.want[0] && IDS[CP]);
    expect(at(values, 'nodeGroups.0.serverGroupId')).toEqual(c.want[1] && IDS[WORKER]);
    expect(at(values, 'nodeGroups.1.serverGroupId')).toEqual(c.want[2] && IDS[GPU]);
    expect(at(values, 'nodeGroupDefaults.serverGroupId')).toBeUndefined();
  });

  it('without the ids (a dry run) renders none, and a write is refused', () => {
    const s = spec(c);
    const values = render(s, site);
    expect(at(values, 'controlPlane.serverGroupId')).toBeUndefined();
    expect(at(values, 'nodeGroups.1.serverGroupId')).toBeUndefined();
    const plans = planServerGroups(s, labelReader(s.cluster.labels, s.cluster_template.labels, c.site ?? {}), RELEASE);
    if (plans.length === 0) expect(() => requireResolvedServerGroups(plans)).not.toThrow();
    else expect(() => requireResolvedServerGroups(plans)).toThrow(InvalidInput);
  });
});

describe('malformed server_group_policies is a 422 naming the label and the reason', () => {
  const ONE_OF = 'one of affinity, anti-affinity, soft-affinity, soft-anti-affinity';
  it.each<[string, Pick<Case, 'cluster' | 'template' | 'group'>, string, string]>([
    ['an unknown policy', { cluster: { server_group_policies: 'spread' } }, `label server_group_policies: expected ${ONE_OF}; "spread" is not one, got "spread"`, 'labels.server_group_policies'],
    ['a template typo', { template: { server_group_policies: 'anti_affinity' } }, `label server_group_policies: expected ${ONE_OF}; "anti_affinity" is not one, got "anti_affinity"`, 'labels.server_group_policies'],
    ['two policies', { cluster: { server_group_policies: 'affinity,anti-affinity' } }, `label server_group_policies: expected ${ONE_OF} (Nova takes one policy per server group), got "affinity,anti-affinity"`, 'labels.server_group_policies'],
    ['only commas', { cluster: { server_group_policies: ',,' } }, `label server_group_policies: expected ${ONE_OF} (Nova takes one policy per server group), got ",,"`, 'labels.server_group_policies'],
    ["a node group's own", { group: { server_group_policies: 'anti-afinity' } }, `label server_group_policies of node group "GPU nodes": expected ${ONE_OF}; "anti-afinity" is not one, got "anti-afinity"`, 'nodegroups.2.labels.server_group_policies'],
  ])('%s', (_what, c, message, field) => {
    const run = () => render(spec(c));
    expect(run).toThrow(InvalidLabel);
    expect(run).toThrow(message);
    try {
      run();
    } catch (err) {
      expect((err as InvalidLabel).field).toBe(field);
      expect((err as InvalidLabel).statusCode).toBe(422);
    }
  });

  it('a malformed site default stops the service at start-up, naming the setting', () => {
    expect(() => checkLabelDefaults(parseConfig({ labelDefaults: { server_group_policies: 'spread' } }))).toThrow(ConfigError);
    expect(() => checkLabelDefaults(parseConfig({ labelDefaults: { server_group_policies: 'spread' } }))).toThrow('labelDefaults.server_group_policies: label server_group_policies');
  });
});

describe('the server groups the shim sent', () => {
  const asked = { cluster: { server_group_policies: 'anti-affinity' }, group: { server_group_policies: 'soft-affinity' } };

  it("a group found under another policy is refused: Nova cannot change a group's policy", () => {
    const run = () => render(spec(asked, (n) => ({ id: IDS[n]!, policy: n === GPU ? 'affinity' : 'anti-affinity' })));
    expect(run).toThrow(NotSupported);
    expect(run).toThrow(
      `server_group_policies of node group "GPU nodes" cannot change from affinity to soft-affinity, as Nova cannot change the policy of its server group ${GPU}; keep affinity, or put the machines in a new node group`,
    );
  });

  it("the control plane's, reason first", () => {
    const run = () => render(spec(asked, (n) => ({ id: IDS[n]!, policy: n === GPU ? 'soft-affinity' : 'affinity' })));
    expect(run).toThrow(/^server_group_policies of the control plane cannot change from affinity to anti-affinity, as Nova cannot change the policy of its server group /);
  });

  it('one missing from what the shim sent is refused, naming it', () => {
    const run = () => render(spec(asked, (n) => (n === WORKER ? undefined : { id: IDS[n]!, policy: n === GPU ? 'soft-affinity' : 'anti-affinity' })));
    expect(run).toThrow(InvalidInput);
    expect(run).toThrow(`server group ${WORKER} of node group "default-worker" was not resolved`);
  });

  it('groups the labels no longer ask for are ignored', () => {
    const values = render(spec({}, (n) => ({ id: IDS[n]!, policy: 'affinity' })));
    expect(at(values, 'controlPlane.serverGroupId')).toBeUndefined();
    expect(at(values, 'nodeGroups.1.serverGroupId')).toBeUndefined();
  });

  it('an id that is not a UUID is a 400 of the spec', () => {
    expect(() => spec(asked, () => ({ id: '1e5', policy: 'affinity' }))).toThrow('a Nova server group id (a UUID)');
  });
});

describe('server group names', () => {
  it.each<[string, string[], boolean, string[]]>([
    ['a deleted node group', ['GPU nodes'], false, [GPU]],
    ['the whole cluster', ['default-worker', 'GPU nodes'], true, [CP, WORKER, GPU]],
    ['a name cut to 63 characters, as the MachineDeployment', ['x'.repeat(70)], false, [`${RELEASE}-${'x'.repeat(63 - RELEASE.length - 1)}`]],
  ])('%s', (_what, groups, controlPlane, names) => {
    expect(serverGroupNames(RELEASE, groups, controlPlane)).toEqual(names);
  });
});
