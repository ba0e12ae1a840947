/**
 * Addon phases judged for a create/update: Failed fails it at once (the
 * provider sets Failed only for permanent errors); Unknown is transient and
 * fails it only past the grace period; anything else is still installing.
 */
import { condition, str, type CapiObject } from './objects.js';
import { statusWrittenAt } from './projections.js';
import { ADDON_PHASE, COND } from './vocabulary.js';

export interface AddonVerdict {
  /** Why the operation fails because of an addon, or null. */
  failed: string | null;
  /** The first addon not yet Deployed, or null when all are. */
  waiting: string | null;
}

function addonName(a: CapiObject): string {
  return a.metadata?.name ?? 'addon';
}

/**
 * The first addon problem: a Failed addon, or an Unknown one past the grace
 * period. How long it has been Unknown comes from its Ready condition's
 * lastTransitionTime. The addon provider sets no conditions, so otherwise
 * from the last write of its status (the API server's managedFields, or the
 * cache projection's `statusWrittenAt` taken from them), which
 * is no earlier than the moment it turned Unknown, else its creation; and in
 * either case no earlier than the operation's last progress (an update
 * starts on an addon as old as the cluster).
 */
export function addonProblem(addons: readonly CapiObject[], now: Date, graceSeconds: number, operationSince: Date | null): AddonVerdict {
  let waiting: string | null = null;
  for (const a of addons) {
    const phase = str(a.status?.phase);
    if (phase === ADDON_PHASE.Deployed) continue;
    const message = str(a.status?.failureMessage) ?? condition(a, COND.Ready)?.message;
    if (phase === ADDON_PHASE.Failed) return { failed: `addon ${addonName(a)} failed${message ? `: ${message}` : ''}`, waiting };
    if (phase === ADDON_PHASE.Unknown) {
      const since = unknownSince(a, operationSince);
      const age = since ? (now.getTime() - since.getTime()) / 1000 : 0;
      if (age > graceSeconds) return { failed: `addon ${addonName(a)} has been Unknown for ${Math.round(age)}s${message ? `: ${message}` : ''}`, waiting };
    }
    waiting ??= `addon ${addonName(a)}: ${phase ?? 'pending'}${message ? ` (${message})` : ''}`;
  }
  return { failed: null, waiting };
}

function time(raw: string | Date | undefined): Date | null {
  if (!raw) return null;
  const d = new Date(raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

function unknownSince(addon: CapiObject, operationSince: Date | null): Date | null {
  const transition = time(condition(addon, COND.Ready)?.lastTransitionTime);
  if (transition) return transition;
  const seen = time(addon.statusWrittenAt ?? statusWrittenAt(addon)) ?? time(addon.metadata?.creationTimestamp);
  if (!seen || !operationSince) return seen ?? operationSince;
  return seen > operationSince ? seen : operationSince;
}

