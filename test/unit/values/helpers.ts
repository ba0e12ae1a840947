/** Loading fixture specs and rendering them with site config, for the values tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type ConfigInput } from '../../../src/config.js';
import { Spec, type SpecInput } from '../../../src/magnum/spec.js';
import { toChartValues } from '../../../src/values/index.js';

/** One label's table: where it lands, its default, a template and a cluster value, and a malformed one. */
export interface LabelRow {
  label: string;
  /** Where the label lands in the values. */
  path: string;
  default: unknown;
  template: [string, unknown];
  cluster: [string, unknown];
  malformed?: [string, string];
  /** Template labels the label needs to have an effect (a size, an old chart), set in every case. */
  needs?: Record<string, string>;
  /** Other changes to the spec (a CNI, Manila's share types). */
  change?: (s: SpecInput) => void;
}

export const SPECS_DIR = join(import.meta.dirname, '../../fixtures/specs');

export function fixture(name: string): SpecInput {
  return JSON.parse(readFileSync(join(SPECS_DIR, `${name}.json`), 'utf8')) as SpecInput;
}

/** The default fixture with cluster/template labels and any other changes applied. */
export function specWith(change: (s: SpecInput) => void = () => {}): Spec {
  const s = fixture('default');
  change(s);
  return Spec.parse(s);
}

export function render(spec: Spec, site: ConfigInput = {}) {
  return toChartValues(spec, parseConfig(site));
}

/** Reads a dotted path such as `addons.monitoring.enabled` (numbers index lists). */
export function at(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}
