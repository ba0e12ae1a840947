/** Spec documents for integration tests: the default fixture with a cluster of its own. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { SpecInput } from '../../../src/magnum/spec.js';
import type { RealCapiContext } from './real-capi-context.js';
import { ROOT } from './service.js';

/**
 * The default fixture as a cluster of its own. Where the real Cluster API
 * controllers run, its key pairs are the played clusters' CA (the bootstrap
 * provider parses them); `ca` names another management cluster's.
 */
export function clusterSpec(name: string, change: (s: SpecInput) => void = () => {}, ca: RealCapiContext['clusterCa'] | undefined = inject('realCapi')?.clusterCa): SpecInput & { cluster: { uuid: string } } {
  const s = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/specs/default.json'), 'utf8')) as SpecInput;
  // Random: the test files share one process and one management cluster, and a counter restarts in each file.
  const uuid = `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`;
  s.cluster = { ...s.cluster, uuid, name, stack_id: null };
  if (ca) s.certificates = { ca, etcd: ca, proxy: ca, sa: ca };
  change(s);
  return s as SpecInput & { cluster: { uuid: string } };
}

/** clusterSpec in a Magnum project of the caller's own: its namespace, and so a player hold there, is the caller's alone. */
export function inProject(project: string) {
  return (name: string, change: (s: SpecInput) => void = () => {}) => clusterSpec(name, (s) => {
    s.cluster.project_id = project;
    s.resolved = { ...s.resolved, project_id: project };
    change(s);
  });
}

export function withStack(s: SpecInput, stackId: string, status: NonNullable<SpecInput['cluster']['status']>): SpecInput {
  return {
    ...s,
    cluster: { ...s.cluster, stack_id: stackId, status },
    nodegroups: (s.nodegroups ?? []).map((g) => ({ ...g, status: g.status === 'DELETE_IN_PROGRESS' ? g.status : status })),
  };
}
