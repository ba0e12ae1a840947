/**
 * `import-magnum-conf`: magnum-capi-helm 1.4.0's settings in magnum.conf
 * turned into this driver's config, read as oslo.config reads them (types,
 * defaults, deprecated spellings), so that clusters render as they did. Every
 * option that cannot be carried over is named with the reason; so is every
 * one carried with a caveat. Pure: text in, config and notes out.
 */
import { dump } from 'js-yaml';
import { ConfigSchema } from '../config.js';
import { CAPI_HELM_GROUPS, CAPI_HELM_OPTIONS, type CapiHelmOption, type OptionValue } from './capi-helm-options.js';
import { osloBool, osloInt, osloList, osloString, parseIni, unescapeDollars, type IniSections, type Parsed } from './oslo-ini.js';

export interface ImportNote {
  /** `[group] name` as written in magnum.conf. */
  option: string;
  line?: number;
  /** False: the setting is not in the config printed. */
  carried: boolean;
  message: string;
}

export interface MagnumConfImport {
  /** This driver's config (config.ts's input shape), holding only what magnum.conf decides. */
  config: Record<string, unknown>;
  notes: ImportNote[];
}

/** Options of Magnum itself that magnum-capi-helm honoured and the shim now reads from magnum.conf. */
const SHIM_READS: readonly [string, string, string][] = [
  ['cinder', 'default_boot_volume_type', 'boot volume type of clusters with no boot_volume_type label or site default'],
  ['cinder', 'default_boot_volume_size', 'boot volume size of clusters with no boot_volume_size label or site default'],
  ['drivers', 'verify_ca', 'the `verify` of each cluster\'s clouds.yaml'],
  ['drivers', 'openstack_ca_file', 'the CA bundle each cluster trusts OpenStack with'],
];

interface Found {
  /** Where the value was read: the option's own spelling or a deprecated one. */
  at: readonly [string, string];
  raw: string;
  line: number;
}

const spell = ([group, name]: readonly [string, string]) => `[${group}] ${name}`;

/** oslo's order: the option's own spelling, then each deprecated one; in a section the last value. */
function find(sections: IniSections, option: CapiHelmOption): Found | undefined {
  for (const at of [[option.group, option.name] as const, ...(option.deprecated ?? [])]) {
    const hit = sections.get(at[0])?.get(at[1]);
    if (hit) return { at, raw: hit.values[hit.values.length - 1]!, line: hit.line };
  }
  return undefined;
}

function typed(option: CapiHelmOption, raw: string): Parsed<OptionValue> {
  const text = unescapeDollars(raw);
  if (!text.ok) return text;
  switch (option.type.kind) {
    case 'bool':
      return osloBool(text.value);
    case 'int':
      return osloInt(text.value);
    case 'list':
      return osloList(text.value);
    case 'str':
      return osloString(text.value, option.type.choices);
  }
}

/** The option's value as oslo.config hands it to magnum-capi-helm: the file's, else the default. */
function valueOf(option: CapiHelmOption, found: Found | undefined): Parsed<OptionValue> {
  // An empty integer is None, not the default: oslo.config's Integer type says so.
  return found ? typed(option, found.raw) : { ok: true, value: option.default };
}

/**
 * Every option's value as oslo.config reads it from `text`, keyed `group.name`:
 * what the import starts from, and what the shim's tests compare with the real oslo.config.
 */
export function readCapiHelmOptions(text: string): Record<string, Parsed<OptionValue>> {
  const sections = parseIni(text);
  return Object.fromEntries(CAPI_HELM_OPTIONS.map((o) => [`${o.group}.${o.name}`, valueOf(o, find(sections, o))]));
}

/** A label's value as the string Magnum labels carry; undefined when it leaves the label unset. */
function asLabel(value: OptionValue): string | undefined {
  if (value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return Array.isArray(value) ? value.join(',') : String(value);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

/**
 * This driver's schema's own verdict on one more setting beside those already
 * carried (some are checked together: an `oci://` chart name and its empty
 * repository), so the config printed always loads.
 */
function settingProblem(config: Record<string, unknown>, path: string, value: unknown): string | undefined {
  const probe = structuredClone(config);
  setPath(probe, path, value);
  const result = ConfigSchema.safeParse(probe);
  return result.success ? undefined : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

class Importer {
  readonly config: Record<string, unknown> = {};
  readonly labels: Record<string, string> = {};
  readonly notes: ImportNote[] = [];

  constructor(private readonly sections: IniSections) {}

  /** A note of an option left out of the config starts `not carried:`. */
  note(option: string, line: number | undefined, carried: boolean, message: string): void {
    this.notes.push({ option, ...(line !== undefined ? { line } : {}), carried, message: carried ? message : `not carried: ${message}` });
  }

  run(): MagnumConfImport {
    for (const option of CAPI_HELM_OPTIONS) this.option(option);
    this.unknownOptions();
    this.shimReads();
    if (Object.keys(this.labels).length > 0) this.config.labelDefaults = this.labels;
    // In file order, the notes of options the file does not set last.
    const notes = this.notes.map((n, i) => [n, i] as const).sort(([a, i], [b, j]) => (a.line ?? Infinity) - (b.line ?? Infinity) || i - j);
    return { config: this.config, notes: notes.map(([n]) => n) };
  }

  private option(option: CapiHelmOption): void {
    const found = find(this.sections, option);
    const carried = option.carry.to === 'label' || option.carry.to === 'setting';
    if (found && carried) this.spellings(option, found);
    const times = found ? this.sections.get(found.at[0])!.get(found.at[1])!.values.length : 0;
    if (found && carried && times > 1) this.note(spell(found.at), found.line, true, `set ${times} times: the last one wins, as oslo.config reads it`);
    const value = valueOf(option, found);
    if (!value.ok) {
      this.note(spell(found!.at), found!.line, false, `${value.reason}; magnum-capi-helm refuses this value too`);
      return;
    }
    this.carry(option, value.value, found);
  }

  /** Says which spelling was read when an option was found under a deprecated one, or under both. */
  private spellings(option: CapiHelmOption, found: Found): void {
    const own = spell([option.group, option.name]);
    if (spell(found.at) !== own) {
      this.note(spell(found.at), found.line, true, `deprecated spelling of ${own}, read as magnum-capi-helm reads it`);
      return;
    }
    for (const old of option.deprecated ?? []) {
      const shadowed = this.sections.get(old[0])?.get(old[1]);
      if (shadowed) this.note(spell(old), shadowed.line, false, `${own} is also set and wins, as in magnum-capi-helm`);
    }
  }

  private carry(option: CapiHelmOption, value: OptionValue, found: Found | undefined): void {
    const where = found ? spell(found.at) : spell([option.group, option.name]);
    const line = found?.line;
    const { carry } = option;
    const into = carry.to === 'label' || carry.to === 'setting';
    const verdict = option.check?.(value, found !== undefined);
    if (verdict) {
      this.note(where, line, verdict.carried, verdict.message);
      if (!verdict.carried || !into) return;
    }
    switch (carry.to) {
      case 'label': {
        const label = asLabel(value);
        if (label !== undefined && found) this.labels[option.name] = label;
        return;
      }
      case 'setting':
        return this.setting(option, carry.path, value, where, found);
      case 'shim':
        if (found) this.note(where, line, true, `nothing to set here: ${carry.why}`);
        return;
      case 'unused':
      case 'dropped':
        if (found) this.note(where, line, false, carry.why);
        return;
    }
  }

  private setting(option: CapiHelmOption, path: string, value: OptionValue, where: string, found: Found | undefined): void {
    if (value === null && found) {
      this.note(where, found.line, false, 'empty, which oslo.config reads as no value at all (not the default); this driver\'s default applies');
      return;
    }
    // Empty means unset only where unset is the default: an empty chart repo is how OCI charts are named.
    if (value === null || (Array.isArray(value) && value.length === 0) || (value === '' && !option.default)) return;
    const problem = settingProblem(this.config, path, value);
    if (problem) {
      this.note(where, found?.line, false, problem);
      return;
    }
    setPath(this.config, path, value);
  }

  private unknownOptions(): void {
    const known = new Set<string>();
    for (const o of CAPI_HELM_OPTIONS) for (const at of [[o.group, o.name] as const, ...(o.deprecated ?? [])]) known.add(spell(at));
    for (const group of CAPI_HELM_GROUPS) {
      for (const [name, entry] of this.sections.get(group) ?? []) {
        const at = spell([group, name]);
        if (!known.has(at)) this.note(at, entry.line, false, 'not an option of magnum-capi-helm 1.4.0, which ignores it too');
      }
    }
  }

  private shimReads(): void {
    for (const [group, name, what] of SHIM_READS) {
      const entry = this.sections.get(group)?.get(name);
      if (entry) this.note(spell([group, name]), entry.line, true, `nothing to set here: the shim reads it from magnum.conf on every call (${what}), as magnum-capi-helm did`);
    }
  }
}

/** Throws IniSyntaxError when oslo.config could not read the file either. */
export function importMagnumConf(text: string): MagnumConfImport {
  return new Importer(parseIni(text)).run();
}

export function formatNote(note: ImportNote): string {
  return `${note.option}${note.line !== undefined ? ` (line ${note.line})` : ''}: ${note.message}`;
}

/** The config as YAML, headed by where it came from. */
export function configYaml(result: MagnumConfImport, source: string): string {
  const head = `# magnum-capi-sidecar config imported from ${source} (magnum-capi-helm 1.4.0 options)\n`;
  const body = Object.keys(result.config).length > 0 ? dump(result.config, { lineWidth: -1 }) : '{}\n';
  return head + body;
}
