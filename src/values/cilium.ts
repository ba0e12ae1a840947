/**
 * Cilium's Hubble (`cilium_hubble_ui_enabled`, vexxhost's label): relay and
 * UI in the values of the Cilium HelmRelease. With another CNI the label is
 * still checked but has nothing to act on, so a site default can be set for
 * every template.
 */
import { cniType } from './addons.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

export function ciliumValues(ctx: RenderContext): Values {
  const hubble = ctx.labels.bool('cilium_hubble_ui_enabled', false);
  if (!hubble || cniType(ctx) !== 'cilium') return {};
  return {
    addons: { cni: { cilium: { release: { values: { hubble: { enabled: true, relay: { enabled: true }, ui: { enabled: true } } } } } } },
  };
}
