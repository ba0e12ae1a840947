/**
 * Where machines and their root volumes go (vexxhost's label names).
 *
 * - `control_plane_availability_zones` (comma list) spreads the control plane
 *   over those zones; without it the cluster's `availability_zone` places the
 *   control plane too, so a cluster asked into one zone is wholly in it
 *   (vexxhost's bug #1059 left its control plane wherever Nova chose).
 * - `availability_zone` of the cluster (or template, or site) is the zone of
 *   every worker group; a node group's own `availability_zone` label places
 *   that group alone.
 * - `boot_volume_availability_zone` is the zone of every root volume; unset,
 *   the chart puts each volume in its machine's zone.
 */
import { InvalidLabel } from '../errors.js';
import { isPlainName } from '../magnum/labels.js';
import type { NodeGroup } from '../magnum/spec.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

const ZONE = 'an availability zone name (letters, digits, spaces and . _ / -; not a number, boolean or null)';
const ZONES = 'a comma-separated list of availability zone names';

function zone(raw: string | undefined, label: string, field?: string): string | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainName(raw)) throw new InvalidLabel(label, ZONE, raw, field);
  return raw;
}

function zoneList(ctx: RenderContext, label: string): string[] | undefined {
  const raw = ctx.labels.raw(label);
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = items.find((s) => !isPlainName(s));
  if (bad !== undefined) throw new InvalidLabel(label, `${ZONES}; ${JSON.stringify(bad)} is not one`, raw);
  if (items.length === 0) throw new InvalidLabel(label, ZONES, raw);
  return [...new Set(items)];
}

export function placementValues(ctx: RenderContext): Values {
  const clusterZone = zone(ctx.labels.raw('availability_zone'), 'availability_zone');
  const controlPlaneZones = zoneList(ctx, 'control_plane_availability_zones') ?? (clusterZone ? [clusterZone] : undefined);
  const volumeZone = zone(ctx.labels.raw('boot_volume_availability_zone'), 'boot_volume_availability_zone');

  const controlPlane: Values = {};
  const nodeGroupDefaults: Values = {};
  // The chart omits the control plane's zone unless told otherwise, whatever failureDomains holds.
  if (controlPlaneZones) Object.assign(controlPlane, { failureDomains: controlPlaneZones, omitFailureDomain: false });
  if (clusterZone) nodeGroupDefaults.failureDomain = clusterZone;
  if (volumeZone) {
    controlPlane.machineRootVolume = { availabilityZone: volumeZone };
    nodeGroupDefaults.machineRootVolume = { availabilityZone: volumeZone };
  }
  const out: Values = {};
  if (Object.keys(controlPlane).length > 0) out.controlPlane = controlPlane;
  if (Object.keys(nodeGroupDefaults).length > 0) out.nodeGroupDefaults = nodeGroupDefaults;
  return out;
}

/** A worker group's own `availability_zone` label, over the cluster's (which nodeGroupDefaults carries). */
export function groupPlacement(group: NodeGroup, field: string): Values {
  const own = group.labels.availability_zone?.trim();
  const failureDomain = zone(own === '' ? undefined : own, 'availability_zone', `${field}.labels.availability_zone`);
  return failureDomain ? { failureDomain } : {};
}
