/**
 * The preview of the next operation on a live cluster: the spec rendered as
 * an update would render it, helm's server-side dry run of that plan against
 * the release, and the result compared with the manifest helm recorded for
 * the release. Read-only by construction: no lease, no secret, no helm
 * revision; the same checks as an operation, so a call that would be refused
 * is refused here too.
 */
import type { DiffResponse } from '../api/schemas.js';
import { NotFound } from '../errors.js';
import type { Spec } from '../magnum/spec.js';
import { compareManifests, parseManifest, type ManifestObjects } from './manifest-diff.js';
import type { Planner, ReleasePreview } from './ports.js';
import { decideRolls } from './rolls.js';
import { liveSpec, requireRelease } from './spec-state.js';
import { checkKubeVersion, highestVersion } from './upgrade-rules.js';

export interface PreviewDeps {
  planner: Planner;
  preview: ReleasePreview;
  /** The control plane's version as Cluster API reports it, when a watch cache knows it. */
  observedVersion?: string | null;
}

/** The Kubernetes version the recorded release last asked its control plane for. */
function recordedVersion(objects: ManifestObjects): string | null {
  const kcp = [...objects.values()].find((o) => o.kind === 'KubeadmControlPlane');
  const version = (kcp?.spec as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' ? version : null;
}

export async function previewSpec(spec: Spec, deps: PreviewDeps): Promise<DiffResponse> {
  requireRelease(spec, 'preview');
  const plan = deps.planner.plan(liveSpec(spec));
  const recorded = await deps.preview.recorded(plan);
  if (recorded === null) throw new NotFound(`no release ${plan.release} in namespace ${plan.namespace}: there is nothing live to compare with`);
  const before = parseManifest(recorded);
  // An upgrade may move one minor up; nothing may move back or skip one.
  checkKubeVersion('upgrade', highestVersion(deps.observedVersion, recordedVersion(before), spec.cluster.coe_version), spec.resolved.image.kube_version);
  const after = parseManifest(await deps.preview.dryRun(plan));
  const changes = compareManifests(before, after);
  const rolls = decideRolls(before, after);
  return {
    stack_id: plan.release,
    namespace: plan.namespace,
    ...changes,
    rolls: rolls.rolls,
    added_nodegroups: rolls.added,
    removed_nodegroups: rolls.removed,
    summary: rolls.summary,
  };
}
