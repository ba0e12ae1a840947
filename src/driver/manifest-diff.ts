/**
 * Two helm manifests compared object by object: what an operation would
 * create, change and delete. Pure. Objects are told apart by API group, kind
 * and name (not version, so a chart that moves a kind to a newer API version
 * changes the object rather than replacing it). Changes are reported as the
 * paths that differ, never their values: the chart renders Secrets, and a
 * preview must not become a way to read them.
 */
import { loadAll } from 'js-yaml';

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Objects of one manifest by `group/kind/name`. */
export type ManifestObjects = ReadonlyMap<string, ManifestObject>;

export interface ObjectRef {
  kind: string;
  name: string;
}

export interface ChangedObject extends ObjectRef {
  /** Dotted paths that differ (`spec.replicas`, `spec.template.spec.files[3]`), at most `MAX_PATHS`. */
  paths: string[];
}

export interface DeletedObject extends ObjectRef {
  /** The chart marks it `helm.sh/resource-policy: keep`: helm leaves it for Cluster API to clean up. */
  kept: boolean;
}

export interface ManifestChanges {
  created: ObjectRef[];
  changed: ChangedObject[];
  deleted: DeletedObject[];
}

/** Beyond this many differing paths an object's list ends with a count of the rest. */
export const MAX_PATHS = 20;

const KEEP = 'helm.sh/resource-policy';

function isObject(doc: unknown): doc is ManifestObject {
  if (!doc || typeof doc !== 'object') return false;
  const d = doc as Partial<ManifestObject>;
  return typeof d.kind === 'string' && typeof d.apiVersion === 'string' && typeof d.metadata?.name === 'string';
}

export function objectKey(o: ManifestObject): string {
  const slash = o.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  return `${group}/${o.kind}/${o.metadata.name}`;
}

/** Parses a multi-document manifest as helm prints it; empty documents and comments are skipped. */
export function parseManifest(text: string): ManifestObjects {
  const out = new Map<string, ManifestObject>();
  for (const doc of loadAll(text)) if (isObject(doc)) out.set(objectKey(doc), doc);
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Paths under `prefix` where `a` and `b` differ, depth first, in key order. */
export function differingPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlain(a) && isPlain(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...differingPaths(a[i], b[i], `${prefix}[${i}]`));
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '.'];
}

function capped(paths: string[]): string[] {
  return paths.length <= MAX_PATHS ? paths : [...paths.slice(0, MAX_PATHS), `… ${paths.length - MAX_PATHS} more`];
}

const ref = (o: ManifestObject): ObjectRef => ({ kind: o.kind, name: o.metadata.name });
const byKindName = (x: ObjectRef, y: ObjectRef) => x.kind.localeCompare(y.kind) || x.name.localeCompare(y.name);

export function compareManifests(before: ManifestObjects, after: ManifestObjects): ManifestChanges {
  const created: ObjectRef[] = [];
  const changed: ChangedObject[] = [];
  const deleted: DeletedObject[] = [];
  for (const [key, next] of after) {
    const prev = before.get(key);
    if (!prev) {
      created.push(ref(next));
      continue;
    }
    const paths = differingPaths(prev, next);
    if (paths.length > 0) changed.push({ ...ref(next), paths: capped(paths) });
  }
  for (const [key, prev] of before) {
    if (!after.has(key)) deleted.push({ ...ref(prev), kept: prev.metadata.annotations?.[KEEP] === 'keep' });
  }
  return { created: created.sort(byKindName), changed: changed.sort(byKindName), deleted: deleted.sort(byKindName) };
}
