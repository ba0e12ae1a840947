/**
 * A reader of oslo.config's INI files, read the way oslo.config reads
 * magnum.conf, so an imported setting means what it meant to Magnum:
 * - `[section]` headers, lower-cased as oslo.config looks them up (`DEFAULT`
 *   stays); `key = value` or `key: value` (whichever comes first);
 * - a line starting with a space or tab continues the value above, joined by
 *   a newline; a blank line ends it;
 * - `#` and `;` start a comment only at the start of a line: after a value
 *   they are part of it (`x = a # b` is "a # b");
 * - one pair of matching quotes around a whole value is dropped;
 * - a key given twice keeps every value; an option takes the last one;
 * - `$name` and `${name}` are oslo.config substitutions, `$$` and `\$` a dollar.
 * Typed readers follow oslo's types: Boolean, Integer, List, String with choices.
 */

export interface IniValue {
  /** Every value given to the key in this section, in file order. */
  values: string[];
  /** 1-based line of the last one. */
  line: number;
}

export type IniSections = Map<string, Map<string, IniValue>>;

export class IniSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'IniSyntaxError';
  }
}

function splitAssignment(line: string, n: number): [string, string] {
  const colon = line.indexOf(':');
  const equal = line.indexOf('=');
  if (colon < 0 && equal < 0) throw new IniSyntaxError(n, `expected "key = value", got ${JSON.stringify(line)}`);
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  const key = line.slice(0, at).trim();
  let value = line.slice(at + 1).trim();
  if (key === '') throw new IniSyntaxError(n, `a value without a key: ${JSON.stringify(line)}`);
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[0] === value[value.length - 1]) {
    value = value.slice(1, -1);
  }
  return [key, value];
}

/** Parses the whole text; a line oslo.config would refuse is an IniSyntaxError naming it. */
export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let section: Map<string, IniValue> | undefined;
  let pending: { key: string; parts: string[]; line: number } | undefined;
  const flush = () => {
    if (!pending) return;
    const joined = pending.parts.join('\n');
    const entry = section!.get(pending.key);
    if (entry) {
      entry.values.push(joined);
      entry.line = pending.line;
    } else {
      section!.set(pending.key, { values: [joined], line: pending.line });
    }
    pending = undefined;
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trimEnd();
    if (line === '') {
      flush();
      return;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (!pending) throw new IniSyntaxError(n, 'a continuation line with no value above it');
      pending.parts.push(line.trimStart());
      return;
    }
    flush();
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) throw new IniSyntaxError(n, `a section header without its closing "]": ${JSON.stringify(line)}`);
      if (line.length <= 2) throw new IniSyntaxError(n, 'a section header without a name');
      const header = line.slice(1, -1);
      const name = header === 'DEFAULT' ? header : header.toLowerCase();
      section = sections.get(name) ?? new Map<string, IniValue>();
      sections.set(name, section);
      return;
    }
    if (line[0] === '#' || line[0] === ';') return;
    const [key, value] = splitAssignment(line, n);
    if (!section) throw new IniSyntaxError(n, `"${key}" comes before any [section]`);
    pending = { key, parts: [value], line: n };
  });
  flush();
  return sections;
}

/** What oslo.config's types make of a value, or why they refuse it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const TRUE = ['true', '1', 'on', 'yes'];
const FALSE = ['false', '0', 'off', 'no'];

export function osloBool(raw: string): Parsed<boolean> {
  const v = raw.toLowerCase();
  if (TRUE.includes(v)) return { ok: true, value: true };
  if (FALSE.includes(v)) return { ok: true, value: false };
  return { ok: false, reason: `expected a boolean (${[...TRUE, ...FALSE].join(', ')}), got ${JSON.stringify(raw)}` };
}

/** An empty value is None to oslo's Integer: no value at all, not the option's default. */
export function osloInt(raw: string): Parsed<number | null> {
  const v = raw.trim();
  if (v === '') return { ok: true, value: null };
  // Python's int() takes signs, underscores between digits and surrounding space.
  if (!/^[+-]?\d+(_\d+)*$/.test(v)) return { ok: false, reason: `expected an integer, got ${JSON.stringify(raw)}` };
  return { ok: true, value: Number(v.replace(/_/g, '')) };
}

/** oslo's List of strings: trailing commas dropped, split on commas, items trimmed; empty is []. */
export function osloList(raw: string): Parsed<string[]> {
  const s = raw.trim().replace(/,+$/, '');
  if (s === '') return { ok: true, value: [] };
  return { ok: true, value: s.split(',').map((item) => item.trim()) };
}

export function osloString(raw: string, choices?: readonly string[]): Parsed<string> {
  if (choices && !choices.includes(raw)) {
    return { ok: false, reason: `expected one of ${choices.join(', ')}, got ${JSON.stringify(raw)}` };
  }
  return { ok: true, value: raw };
}

/**
 * The value with oslo.config's escapes undone, or, when it substitutes another
 * option (`$state_path/x`), a reason: this reader does not follow references.
 */
export function unescapeDollars(raw: string): Parsed<string> {
  const s = raw.replace(/\\\$/g, '$$$$');
  if (/\$(?!\$)/.test(s.replace(/\$\$/g, ''))) {
    return { ok: false, reason: `refers to another option with oslo.config's $ substitution (${JSON.stringify(raw)}), which this import does not follow` };
  }
  return { ok: true, value: s.replace(/\$\$/g, '$') };
}
