/**
 * Values the watch cache's projections share across objects and clusters.
 * Ten thousand clusters hold the same condition types, phases, ready
 * conditions and replica counts ten thousand times over; one frozen instance
 * of each distinct value serves them all, so what stays per object is its
 * identity (name, labels) and little else.
 *
 * The tables are bounded: past their size they start afresh, which costs
 * sharing (later objects get new instances), never correctness. Shared
 * values are frozen: the status code only reads what the cache holds.
 */

class Interner<T> {
  private table = new Map<string, T>();
  constructor(private readonly max: number) {}
  of(key: string, make: () => T): T {
    const seen = this.table.get(key);
    if (seen !== undefined) return seen;
    if (this.table.size >= this.max) this.table = new Map();
    const value = make();
    this.table.set(key, value);
    return value;
  }
}

const strings = new Interner<string>(200_000);
const objects = new Interner<object>(200_000);

/** One copy of a repeated string (a condition type, a phase, a release name, a timestamp). */
export function intern(s: string): string {
  return strings.of(s, () => s);
}

/**
 * One frozen instance per distinct value, found by its JSON (or by `key`
 * when the caller has a cheaper one that names the value as exactly). Typed
 * as given, so the status code's loose shapes take it; frozen all the same.
 */
export function shared<T extends object>(value: T, key: string = JSON.stringify(value)): T {
  return objects.of(key, () => Object.freeze(value)) as T;
}

/** The one empty object, for a spec or status with nothing read. */
export const EMPTY: Record<string, never> = Object.freeze({});
