/**
 * Magnum labels: resolution (cluster over template over site defaults) and
 * typed parsing. magnum-capi-helm silently falls back to the default on a
 * malformed value; we refuse it with 422, because a cluster that quietly
 * ignores `boot_volume_size=NotANumber` surprises its owner later.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidLabel } from '../errors.js';
import type { Labels } from './spec.js';

const TRUE = new Set(['1', 't', 'true', 'on', 'y', 'yes']);
const FALSE = new Set(['0', 'f', 'false', 'off', 'n', 'no']);
/** Address and prefix; no IPv6 zone (`%eth0`), which neither Octavia nor Neutron takes. */
const CIDR = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/;
/** Names the chart quotes itself (Neutron networks, via toYaml): printable, no control characters. */
const NAME = /^[^\u0000-\u001f\u007f]{1,255}$/;
/**
 * Names the chart writes into YAML unquoted (volume types, zones). The
 * storage-class zone also lands in the csi-cinder Manifests template, which
 * the addon provider renders once more with Jinja2, unsandboxed, on the
 * management cluster: `{{`, `{%` or `{#` there would run a tenant's code next
 * to every tenant's credentials. Only characters that are plain text to YAML
 * and Jinja both, the set magnum-capi-helm's filter kept.
 */
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9 ._/-]{0,254}$/;
const PLAIN_WHAT = 'a plain name (letters, digits, spaces and . _ / -; not a number, boolean or null)';
/**
 * Words YAML 1.1 (helm's Go YAML, PyYAML in the addon provider) reads as a
 * number, date, boolean or null: unquoted, they reach Kubernetes as a
 * non-string and the object is refused.
 */
const YAML_TYPED = /^(?:[0-9][0-9_.eE-]*|0x[0-9a-f_]+|0b[01_]+|0o[0-7_]+|y|n|yes|no|true|false|on|off|null)$/i;

/** A name the chart may write unquoted, into YAML and Jinja both (see PLAIN_NAME). */
export function isPlainName(s: string): boolean {
  return PLAIN_NAME.test(s) && !YAML_TYPED.test(s);
}

/**
 * Node's own address parsers, not a hand-written pattern: a hex word such as
 * `dead` or a stray `:` is no IPv6 address, and a leading zero in IPv4
 * (octal to some parsers) is refused, as Go's parser refuses it.
 */
function validCidr(s: string): boolean {
  const m = CIDR.exec(s);
  if (!m) return false;
  const prefix = Number(m[2]);
  if (isIPv4(m[1]!)) return prefix <= 32;
  return isIPv6(m[1]!) && prefix <= 128;
}

/** A bare address, as the chart's own example lists one, means that host alone. */
function asCidr(s: string): string {
  if (s.includes('/')) return s;
  return s.includes(':') ? `${s}/128` : `${s}/32`;
}

/** The first non-empty trimmed value of `name` in `levels`, highest first. */
function setIn(levels: readonly Labels[], name: string): string | undefined {
  for (const level of levels) {
    const v = level[name]?.trim();
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

export class LabelReader {
  constructor(
    private readonly cluster: Labels,
    private readonly template: Labels,
    private readonly site: Labels,
  ) {}

  /**
   * The raw value, trimmed: the cluster's label, else the template's, else the
   * site default. An empty value is unset at its level, so `--labels x=` on a
   * cluster falls back to the template and the site instead of to the
   * built-in default.
   */
  raw(name: string): string | undefined {
    return this.first([name])?.[1];
  }

  /**
   * The first of several names (new name first, then the old one) that is set.
   * What the user set (cluster or template, under either name) beats a site
   * default under either name: an operator's default for the new name must
   * not silently override a template still using the old one.
   */
  private first(names: readonly string[]): [string, string] | undefined {
    for (const levels of [[this.cluster, this.template], [this.site]]) {
      for (const n of names) {
        const v = setIn(levels, n);
        if (v !== undefined) return [n, v];
      }
    }
    return undefined;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const lower = v.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    throw new InvalidLabel(name, 'boolean', v);
  }

  /** A non-negative decimal integer; `names` lists the new name before its old alias. */
  int(names: string | readonly string[], fallback: number | undefined): number | undefined {
    const hit = this.first(typeof names === 'string' ? [names] : names);
    if (!hit) return fallback;
    const [name, v] = hit;
    if (!/^\d{1,9}$/.test(v)) throw new InvalidLabel(name, 'integer', v);
    return Number(v);
  }

  /** A plain name (PLAIN_NAME, not YAML_TYPED); `names` lists the new name before its old alias. */
  str(names: string | readonly string[], fallback?: string): string | undefined {
    const hit = this.first(typeof names === 'string' ? [names] : names);
    if (!hit) return fallback;
    const [name, v] = hit;
    if (!isPlainName(v)) throw new InvalidLabel(name, PLAIN_WHAT, v);
    return v;
  }

  /** A word matching `re` that YAML also reads back as a string (the chart writes it unquoted). */
  plainWord(name: string, re: RegExp, what: string, fallback: string): string {
    const v = this.pattern(name, re, what, fallback)!;
    if (YAML_TYPED.test(v)) throw new InvalidLabel(name, what, v);
    return v;
  }

  /** One of a fixed set, compared case-insensitively, returned as the set spells it. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!hit) throw new InvalidLabel(name, `one of ${allowed.join(', ')}`, v);
    return hit;
  }

  pattern(name: string, re: RegExp, what: string, fallback?: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!re.test(v)) throw new InvalidLabel(name, what, v);
    return v;
  }

  cidr(name: string, fallback: string): string {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!validCidr(v)) throw new InvalidLabel(name, 'a CIDR such as 10.0.0.0/24', v);
    return v;
  }

  cidrList(name: string): string[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '').map(asCidr);
    const bad = items.find((s) => !validCidr(s));
    if (bad !== undefined || items.length === 0) throw new InvalidLabel(name, 'a comma-separated list of CIDRs', v);
    return items;
  }

  /**
   * A comma-separated list of words from `allowed` (exact spelling: these are
   * flag values the component compares as written), duplicates dropped.
   */
  wordList(name: string, allowed: readonly string[], what: string): string[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = items.find((s) => !allowed.includes(s));
    if (bad !== undefined) throw new InvalidLabel(name, `${what}; ${JSON.stringify(bad)} is not one`, v);
    if (items.length === 0) throw new InvalidLabel(name, what, v);
    return [...new Set(items)];
  }

  /** A space-separated list of names; `names` lists the new name before its old alias. */
  nameList(names: readonly string[]): string[] | undefined {
    const hit = this.first(names);
    if (!hit) return undefined;
    const [name, v] = hit;
    const items = v.split(/\s+/).filter((s) => s !== '');
    if (items.some((s) => !NAME.test(s))) throw new InvalidLabel(name, 'a space-separated list of names', v);
    return items;
  }
}

export function labelReader(cluster: Labels, template: Labels, site: Labels): LabelReader {
  return new LabelReader(cluster, template, site);
}
