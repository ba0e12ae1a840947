import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { parseTokens, readTokensFile } from '../../../src/plugins/tokens.js';

const T = 'tok-0123456789abcdef';

function problems(text: string): string[] {
  try {
    parseTokens(text, 'tokens');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('the tokens file', () => {
  it.each([
    ['a bare token is driver, named by its line', `${T}`, { kind: 'token', token: T, caller: { name: 'line-1', role: 'driver', via: 'token' } }],
    ['a token with a role', `${T} reader`, { kind: 'token', token: T, caller: { name: 'line-1', role: 'reader', via: 'token' } }],
    ['a token with a role and a name', `  ${T}\tadmin   ops # Alice's terminal`, { kind: 'token', token: T, caller: { name: 'ops', role: 'admin', via: 'token' } }],
    ['a subject with a role', 'subject:CN=magnum,O=Example%20Cloud driver', { kind: 'subject', subject: 'CN=magnum,O=Example Cloud', caller: { name: 'CN=magnum,O=Example Cloud', role: 'driver', via: 'certificate' } }],
    ['a subject in another order, named', 'subject:O=Ex,CN=m reader dash', { kind: 'subject', subject: 'CN=m,O=Ex', caller: { name: 'dash', role: 'reader', via: 'certificate' } }],
  ])('%s', (_name, line, entry) => {
    expect(parseTokens(`# comment\n\n${line}\n`, 'tokens')).toEqual([{ ...entry, caller: { ...entry.caller, name: entry.caller.name.replace('line-1', 'line-3') } }]);
  });

  it.each([
    ['an unknown role stops start-up naming the line', `# c\n${T} superuser`, 'tokensFile: line 2 of tokens: unknown role "superuser" (expected driver, reader, admin)'],
    ['a short token', 'short driver', 'tokensFile: line 1 of tokens: the token is shorter than 16 characters'],
    ['too many fields', `${T} admin ops extra`, 'tokensFile: line 1 of tokens: expected "<token> [<role>] [<name>]", got 4 fields'],
    ['a repeated token', `${T} admin\n${T} reader`, 'tokensFile: line 2 of tokens: repeats the token of line 1'],
    ['a repeated subject, in another order', 'subject:CN=a,O=b driver\nsubject:O=b,CN=a admin', 'tokensFile: line 2 of tokens: repeats the subject of line 1'],
    ['a subject without a role', 'subject:CN=a', 'tokensFile: line 1 of tokens: a subject needs a role'],
    ['a malformed subject', 'subject:CN driver', 'tokensFile: line 1 of tokens: subject: expected ATTRIBUTE=value pairs joined by commas, got "CN"'],
    ['bad percent-encoding', 'subject:CN=%zz driver', 'tokensFile: line 1 of tokens: subject: bad percent-encoding in "CN=%zz"'],
    ['no entry at all', '# nothing\n', 'tokensFile: tokens holds no token'],
  ])('%s', (_name, text, problem) => {
    expect(problems(text)).toEqual([problem]);
  });

  it('never puts a token in a problem, however wrong its line', () => {
    const secret = 'secret-token-0123456789abcdef';
    const found = problems(`${secret} root\n${secret} admin x y\n${secret}\n${secret}`);
    expect(found).toHaveLength(3);
    for (const p of found) expect(p).not.toContain(secret);
  });

  describe('read from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcs-tokens-file-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('names the file it cannot read', () => {
      expect(() => readTokensFile(join(dir, 'absent'))).toThrow(/tokensFile: cannot read .*absent: ENOENT/);
    });

    it('reads the three roles', () => {
      const path = join(dir, 'tokens');
      writeFileSync(path, `${T}\n${T}-reader reader dash\n${T}-admin admin ops\n`);
      expect(readTokensFile(path).map((e) => e.caller)).toEqual([
        { name: 'line-1', role: 'driver', via: 'token' },
        { name: 'dash', role: 'reader', via: 'token' },
        { name: 'ops', role: 'admin', via: 'token' },
      ]);
    });
  });
});
