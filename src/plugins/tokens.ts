/**
 * Bearer tokens: read from a file (one per line, `#` comments) and checked in
 * constant time. Both sides are hashed first so the comparison takes the same
 * time whatever the lengths, and every configured token is compared so the
 * time does not reveal which one matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';

const MIN_TOKEN_LENGTH = 16;

export class TokenStore {
  private digests: Buffer[] = [];

  constructor(tokens: readonly string[] = []) {
    this.replace(tokens);
  }

  static fromFile(path: string): TokenStore {
    return new TokenStore(readTokensFile(path));
  }

  get size(): number {
    return this.digests.length;
  }

  replace(tokens: readonly string[]): void {
    this.digests = tokens.map(digest);
  }

  verify(candidate: string): boolean {
    const d = digest(candidate);
    let ok = false;
    for (const known of this.digests) ok = timingSafeEqual(known, d) || ok;
    return ok;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function readTokensFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`tokensFile: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  const tokens = text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');
  if (tokens.length === 0) throw new ConfigError([`tokensFile: ${path} holds no token`]);
  const short = tokens.findIndex((t) => t.length < MIN_TOKEN_LENGTH);
  if (short >= 0) {
    throw new ConfigError([`tokensFile: token ${short + 1} in ${path} is shorter than ${MIN_TOKEN_LENGTH} characters`]);
  }
  return tokens;
}
