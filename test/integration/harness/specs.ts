/** Spec documents for integration tests: the default fixture with a cluster of its own. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { ROOT } from './service.js';

export function clusterSpec(name: string, change: (s: SpecInput) => void = () => {}): SpecInput & { cluster: { uuid: string } } {
  const s = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/specs/default.json'), 'utf8')) as SpecInput;
  // Random: the test files share one process and one management cluster, and a counter restarts in each file.
  const uuid = `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`;
  s.cluster = { ...s.cluster, uuid, name, stack_id: null };
  change(s);
  return s as SpecInput & { cluster: { uuid: string } };
}

export function withStack(s: SpecInput, stackId: string, status: NonNullable<SpecInput['cluster']['status']>): SpecInput {
  return {
    ...s,
    cluster: { ...s.cluster, stack_id: stackId, status },
    nodegroups: (s.nodegroups ?? []).map((g) => ({ ...g, status: g.status === 'DELETE_IN_PROGRESS' ? g.status : status })),
  };
}
