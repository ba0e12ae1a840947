/**
 * An operation whose answer the shim never got (its reason begins
 * "outcome unknown: ") is decided from the management cluster, helm's own
 * record included. helm's latest revision says which: failed (by helm, not
 * by a replica unlocking a dead holder's revision) fails the operation in
 * helm's words, whatever Cluster API shows of the objects an earlier
 * revision made; deployed means the call was applied, and Cluster API's
 * progress decides as for any operation; anything else (still pending, no
 * release yet) keeps the outcome unknown, and the reason says so, so the
 * next poll asks again. Pure; the driver reads helm only for such clusters,
 * so every other status call still costs no request.
 */
import type { StatusAnswer } from './cluster.js';
import { HEALABLE_REASON_PREFIX } from './vocabulary.js';

const OUTCOME_UNKNOWN = HEALABLE_REASON_PREFIX[1];

/** helm's latest revision of a release, as its record says. */
export interface RecordedRevision {
  revision: number;
  status: string;
  description: string;
  /** Marked failed by a replica that unlocked it after its holder died: no verdict on the operation. */
  unlocked: boolean;
}

type Op = 'CREATE' | 'UPDATE';

/** The create or update whose outcome helm's record may decide, or null when none awaits one. */
export function awaitingOutcome(status: string | null | undefined, reason: string | null | undefined): Op | null {
  if (!reason?.startsWith(OUTCOME_UNKNOWN)) return null;
  if (status === 'CREATE_IN_PROGRESS') return 'CREATE';
  if (status === 'UPDATE_IN_PROGRESS') return 'UPDATE';
  return null;
}

export function decideUnknownOutcome(answer: StatusAnswer, op: Op, latest: RecordedRevision | null): StatusAnswer {
  if (latest?.status === 'failed' && !latest.unlocked) return failedByHelm(answer, op, latest);
  if (latest?.status === 'deployed' || answer.cluster.status !== `${op}_IN_PROGRESS`) return answer;
  const seen = latest ? `helm's latest revision ${latest.revision} is ${latest.unlocked ? 'unlocked' : latest.status}` : 'helm has no release yet';
  const reason = `${OUTCOME_UNKNOWN}${seen}${answer.cluster.status_reason ? `; ${answer.cluster.status_reason}` : ''}`;
  return { ...answer, cluster: { ...answer.cluster, status_reason: reason } };
}

function failedByHelm(answer: StatusAnswer, op: Op, failure: RecordedRevision): StatusAnswer {
  const reason = `helm failed the ${op.toLowerCase()} (revision ${failure.revision}): ${failure.description || 'no description recorded'}`;
  return {
    ...answer,
    cluster: { ...answer.cluster, status: `${op}_FAILED`, status_reason: reason },
    nodegroups: answer.nodegroups.map((g) =>
      g.status === `${op}_IN_PROGRESS` ? { ...g, status: `${op}_FAILED`, status_reason: `the cluster failed (${reason})` } : g,
    ),
  };
}
