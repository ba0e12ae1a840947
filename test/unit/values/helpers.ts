/** Loading fixture specs and rendering them with site config, for the values tests. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type ConfigInput } from '../../../src/config.js';
import { InvalidLabel, MagnumRuleViolation } from '../../../src/errors.js';
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

/**
 * The five cases of every label row: default, template value, cluster value
 * over the template, site default (and a template value over it), and a
 * malformed value refused with 422 naming the label and the reason.
 */
export function describeLabelRows(rows: LabelRow[]): void {
  const withLabels = (row: LabelRow, template: Record<string, string>, cluster: Record<string, string>) =>
    specWith((s) => {
      row.change?.(s);
      s.cluster_template.labels = template;
      s.cluster.labels = cluster;
    });
  describe.each(rows)('label $label → $path', (row) => {
    const needs = row.needs ?? {};
    const template = (v: string) => ({ ...needs, [row.label]: v });
    it('default', () => {
      const run = () => at(render(withLabels(row, needs, {})), row.path);
      // A label another one requires (oidc_client_id with an issuer) has no default: rendering without it is refused.
      if (row.default === 'required') expect(run).toThrow(MagnumRuleViolation);
      else expect(run()).toEqual(row.default);
    });
    it('template value', () => expect(at(render(withLabels(row, template(row.template[0]), {})), row.path)).toEqual(row.template[1]));
    it('cluster value overrides the template', () => {
      expect(at(render(withLabels(row, template(row.template[0]), { [row.label]: row.cluster[0] })), row.path)).toEqual(row.cluster[1]);
    });
    it('a site default applies when no label is set', () => {
      expect(at(render(withLabels(row, needs, {}), { labelDefaults: { [row.label]: row.cluster[0] } }), row.path)).toEqual(row.cluster[1]);
    });
    it('a template value beats the site default', () => {
      expect(at(render(withLabels(row, template(row.template[0]), {}), { labelDefaults: { [row.label]: row.cluster[0] } }), row.path)).toEqual(row.template[1]);
    });
    if (row.malformed) {
      const [bad, expected] = row.malformed;
      it(`malformed ${JSON.stringify(bad)} is a 422 naming the label`, () => {
        const run = () => render(withLabels(row, needs, { [row.label]: bad }));
        expect(run).toThrow(InvalidLabel);
        expect(run).toThrow(`label ${row.label}: expected ${expected}, got ${JSON.stringify(bad)}`);
      });
    }
  });
}
