/**
 * Manila CSI (`manila_csi_enabled`, `manila_csi_share_network_id`,
 * vexxhost's labels): the chart's `addons.openstack.csiManila`, with one NFS
 * storage class per Manila share type. The shim sends the share types only
 * when Manila is in the cloud's catalog; without them Manila stays off.
 */
import { MagnumRuleViolation } from '../errors.js';
import { isPlainName } from '../magnum/labels.js';
import { sanitise } from '../magnum/names.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

/** The provisioner of the NFS share protocol, the one the Manila CSI chart configures by default. */
export const MANILA_NFS_PROVISIONER = 'nfs.manila.csi.openstack.org';
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function manilaValues({ spec, labels }: RenderContext): Values {
  const enabled = labels.bool('manila_csi_enabled', false);
  const shareNetwork = labels.pattern('manila_csi_share_network_id', UUID, 'a Manila share network id (a UUID)');
  const types = spec.resolved.share_types;
  if (!enabled || !types) return {};
  const used = new Set<string>();
  const classes = types.map((type, i) => {
    // The type lands unquoted in a Manifests template the addon provider renders again with Jinja2.
    if (!isPlainName(type)) {
      throw new MagnumRuleViolation(`Manila share type ${JSON.stringify(type)} cannot be used in a storage class: only letters, digits, spaces and . _ / - are safe there`, `resolved.share_types.${i}`);
    }
    // vexxhost's class names, so workloads moved from its clusters find theirs.
    const base = `share-${sanitise(type) || 'type'}`.slice(0, 63).replace(/-+$/, '');
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    const parameters: Values = { type };
    if (shareNetwork) parameters.shareNetworkID = shareNetwork;
    return { name, provisioner: MANILA_NFS_PROVISIONER, parameters };
  });
  const [first, ...rest] = classes;
  return {
    addons: {
      openstack: {
        csiManila: {
          enabled: true,
          // Cinder keeps the cluster's default class; Manila's are there to be asked for by name.
          defaultStorageClass: first ? { enabled: true, isClusterDefault: false, ...first } : { enabled: false },
          additionalStorageClasses: rest,
        },
      },
    },
  };
}
