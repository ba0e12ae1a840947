/**
 * The operator guide is a reference operators act on: its configuration table
 * must list every setting of the schema with the variable that really sets it
 * and the default that really applies, and its troubleshooting section every
 * route and every error code the service can answer with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ConfigSchema, configFromEnv, parseConfig } from '../../../src/config.js';
import { testApp } from '../../support/app.js';
import { guideSection } from '../../support/guide.js';

const ROOT = join(import.meta.dirname, '../../..');

interface Row { key: string; variable: string; fallback: string }

/** Rows of the configuration table: | `key` | `MCS_…` | default | meaning |. */
function configRows(): Row[] {
  const rows: Row[] = [];
  for (const line of guideSection('Configuration').split('\n')) {
    const m = /^\| `([A-Za-z.]+)` \| `(MCS_[A-Z_<>a-z]+)` \| ([^|]+) \|/.exec(line);
    if (m) rows.push({ key: m[1]!, variable: m[2]!, fallback: m[3]!.trim() });
  }
  return rows;
}

type Def = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> };

/** Dotted keys of the settings: nested objects descend, everything else is a leaf. */
function leafKeys(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  if (def.innerType && ['default', 'prefault', 'optional', 'nullable'].includes(def.type)) {
    return leafKeys(def.innerType, prefix);
  }
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function shownDefault(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'object' && value !== null && 'host' in value && 'port' in value) {
    const l = value as { host: string; port: number };
    return `\`${l.host}:${l.port}\``;
  }
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

describe('operator guide: configuration reference', () => {
  const rows = configRows();
  const defaults = parseConfig({});

  it('lists every setting of the schema, and nothing that is not one', () => {
    expect(rows.map((r) => r.key).sort()).toEqual(leafKeys(ConfigSchema).sort());
  });

  it.each(configRows().filter((r) => !r.variable.includes('<')))('$variable sets $key', ({ key, variable }) => {
    const value = key === 'helm.concurrency' ? '7' : 'x';
    const fromEnv = configFromEnv({ [variable]: value });
    const got = at(fromEnv, key);
    expect(Array.isArray(got) ? got : [got]).toEqual([value]);
  });

  it('names the variable of a label default with the label as written', () => {
    const row = rows.find((r) => r.key === 'labelDefaults');
    expect(row?.variable).toBe('MCS_LABEL_DEFAULTS__<label>');
    expect(configFromEnv({ MCS_LABEL_DEFAULTS__monitoring_enabled: 'true' })).toEqual({ labelDefaults: { monitoring_enabled: 'true' } });
  });

  it.each(configRows())('shows the real default of $key', ({ key, fallback }) => {
    expect(fallback).toBe(shownDefault(at(defaults, key)));
  });
});

describe('operator guide: routes and errors', () => {
  let paths: Record<string, Record<string, unknown>> = {};
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const { app } = await testApp();
    paths = (app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
    close = async () => { await app.close(); };
  });
  afterAll(() => close());

  it('documents every route the service serves', () => {
    const routes = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.length).toBeGreaterThan(15);
    const troubleshooting = guideSection('Troubleshooting with curl');
    const missing = routes.filter((r) => !troubleshooting.includes(`\`${r}\``));
    expect(missing).toEqual([]);
  });

  it('explains every error code the service answers with', () => {
    const sources = ['src/errors.ts', 'src/plugins/errors.ts'].map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
    const codes = new Set([...sources.matchAll(/\bcode(?: =|:) '([a-z_]+)'/g)].map((m) => m[1]!));
    expect(codes.size).toBeGreaterThan(10);
    const troubleshooting = guideSection('Troubleshooting with curl');
    expect([...codes].filter((c) => !troubleshooting.includes(`| \`${c}\` |`))).toEqual([]);
  });
});
