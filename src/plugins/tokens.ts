/**
 * Who a caller is: bearer tokens and client-certificate subjects, read from
 * the tokens file, each mapped to a role and a name.
 *
 * One entry a line, `#` starts a comment:
 *   <token> [<role>] [<name>]            a bearer token
 *   subject:<DN> <role> [<name>]         a client certificate's subject, e.g. subject:CN=magnum,O=Example
 * A bare token is `driver` (what every token was before roles), so old files
 * keep working. A subject's attribute values may be percent-encoded (a space
 * is `%20`, a comma `%2C`); attributes match in any order.
 *
 * Tokens are checked in constant time: both sides are hashed first so the
 * comparison takes the same time whatever the lengths, and every configured
 * token is compared so the time does not reveal which one matched. Subjects
 * are not secrets (the TLS handshake proved the certificate), so a map does.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import { ROLES, isRole, type Role } from './roles.js';

const MIN_TOKEN_LENGTH = 16;
const SUBJECT_PREFIX = 'subject:';

/** The identity a request carries, for the role check, the audit trail and the rate limit. Never the token. */
export interface Caller {
  name: string;
  role: Role;
  via: 'token' | 'certificate';
}

export type TokenEntry =
  | { kind: 'token'; token: string; caller: Caller }
  | { kind: 'subject'; subject: string; caller: Caller };

/** A certificate subject as node gives it (`getPeerCertificate().subject`): attribute → value(s). */
export type SubjectAttributes = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One spelling per subject, whatever the order of its attributes. */
export function canonicalSubject(attributes: SubjectAttributes): string {
  return Object.entries(attributes)
    .flatMap(([k, v]) => (v === undefined ? [] : (typeof v === 'string' ? [v] : v).map((one) => `${k}=${one}`)))
    .sort()
    .join(',');
}

function parseSubject(text: string): SubjectAttributes | string {
  const attributes: Record<string, string[]> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) return `expected ATTRIBUTE=value pairs joined by commas, got ${JSON.stringify(part)}`;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return `bad percent-encoding in ${JSON.stringify(part)}`;
    }
    (attributes[part.slice(0, eq)] ??= []).push(value);
  }
  return attributes;
}

export class TokenStore {
  private tokens: { digest: Buffer; caller: Caller }[] = [];
  private subjects = new Map<string, Caller>();

  /** Plain strings are bare tokens (role `driver`), as in a tokens file without roles. */
  constructor(entries: readonly (string | TokenEntry)[] = []) {
    this.replace(entries.map((e, i) => (typeof e === 'string' ? bareToken(e, i + 1) : e)));
  }

  static fromFile(path: string): TokenStore {
    return new TokenStore(readTokensFile(path));
  }

  get size(): number {
    return this.tokens.length + this.subjects.size;
  }

  replace(entries: readonly TokenEntry[]): void {
    this.tokens = entries.flatMap((e) => (e.kind === 'token' ? [{ digest: digest(e.token), caller: e.caller }] : []));
    this.subjects = new Map(entries.flatMap((e) => (e.kind === 'subject' ? [[e.subject, e.caller] as const] : [])));
  }

  verify(candidate: string): Caller | undefined {
    const d = digest(candidate);
    let found: Caller | undefined;
    for (const known of this.tokens) if (timingSafeEqual(known.digest, d)) found = known.caller;
    return found;
  }

  bySubject(attributes: SubjectAttributes): Caller | undefined {
    return this.subjects.get(canonicalSubject(attributes));
  }
}

function bareToken(token: string, line: number): TokenEntry {
  return { kind: 'token', token, caller: { name: `line-${line}`, role: 'driver', via: 'token' } };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Parses a tokens file's text; every problem names its line, never the token on it. */
export function parseTokens(text: string, source: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const where = `tokensFile: line ${line} of ${source}`;
    const [first, role = 'driver', name, ...rest] = fields as [string, ...string[]];
    if (rest.length > 0) return problems.push(`${where}: expected "<token> [<role>] [<name>]", got ${fields.length} fields`);
    if (!isRole(role)) return problems.push(`${where}: unknown role ${JSON.stringify(role)} (expected ${ROLES.join(', ')})`);
    const key = first.startsWith(SUBJECT_PREFIX) ? canonicalOf(first) : first;
    if (typeof key !== 'string') return problems.push(`${where}: subject: ${key.problem}`);
    const before = seen.get(key);
    if (before !== undefined) return problems.push(`${where}: repeats the ${first.startsWith(SUBJECT_PREFIX) ? 'subject' : 'token'} of line ${before}`);
    seen.set(key, line);
    if (first.startsWith(SUBJECT_PREFIX)) {
      if (fields.length < 2) return problems.push(`${where}: a subject needs a role`);
      entries.push({ kind: 'subject', subject: key, caller: { name: name ?? key, role, via: 'certificate' } });
      return;
    }
    if (first.length < MIN_TOKEN_LENGTH) return problems.push(`${where}: the token is shorter than ${MIN_TOKEN_LENGTH} characters`);
    entries.push({ kind: 'token', token: first, caller: { name: name ?? `line-${line}`, role, via: 'token' } });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  if (entries.length === 0) throw new ConfigError([`tokensFile: ${source} holds no token`]);
  return entries;
}

function canonicalOf(field: string): string | { problem: string } {
  const parsed = parseSubject(field.slice(SUBJECT_PREFIX.length));
  return typeof parsed === 'string' ? { problem: parsed } : canonicalSubject(parsed);
}

export function readTokensFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`tokensFile: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  return parseTokens(text, path);
}
