/**
 * The INI reader reads magnum.conf as oslo.config 10.7 does (its iniparser
 * and types, read from the package): each row is what oslo makes of the text.
 */
import { describe, expect, it } from 'vitest';
import { IniSyntaxError, osloBool, osloInt, osloList, osloString, parseIni, unescapeDollars } from '../../../src/migrate/oslo-ini.js';

function flat(text: string): Record<string, Record<string, string[]>> {
  return Object.fromEntries([...parseIni(text)].map(([s, keys]) => [s, Object.fromEntries([...keys].map(([k, v]) => [k, v.values]))]));
}

describe('parseIni', () => {
  it.each([
    { what: 'key = value, spaces trimmed', text: '[a]\nk =  v  \n', want: { a: { k: ['v'] } } },
    { what: 'key: value', text: '[a]\nk: v\n', want: { a: { k: ['v'] } } },
    { what: 'whichever of = and : comes first splits', text: '[a]\nk = x: y\nj: x = y\n', want: { a: { k: ['x: y'], j: ['x = y'] } } },
    { what: 'a # after a value is part of it', text: '[a]\nk = 4096  # MB\n', want: { a: { k: ['4096  # MB'] } } },
    { what: 'comments on their own lines', text: '[a]\n# k = 1\n; j = 2\nk = 3\n', want: { a: { k: ['3'] } } },
    { what: 'matching quotes dropped once', text: '[a]\nk = "v"\nj = \'"w"\'\n', want: { a: { k: ['v'], j: ['"w"'] } } },
    { what: 'unmatched quotes kept', text: '[a]\nk = "v\'\n', want: { a: { k: ['"v\''] } } },
    { what: 'continuation lines joined by newlines', text: '[a]\nk = one\n  two\n\tthree\n', want: { a: { k: ['one\ntwo\nthree'] } } },
    { what: 'a blank line ends a value', text: '[a]\nk = one\n\nj = two\n', want: { a: { k: ['one'], j: ['two'] } } },
    { what: 'an empty value', text: '[a]\nk =\n', want: { a: { k: [''] } } },
    { what: 'a repeated key keeps every value', text: '[a]\nk = 1\nk = 2\n', want: { a: { k: ['1', '2'] } } },
    { what: 'a section given twice is one', text: '[a]\nk = 1\n[b]\n[a]\nj = 2\n', want: { a: { k: ['1'], j: ['2'] }, b: {} } },
    { what: 'section names lower-cased, DEFAULT kept', text: '[CAPI_Helm]\nK = 1\n[DEFAULT]\nd = 2\n', want: { capi_helm: { K: ['1'] }, DEFAULT: { d: ['2'] } } },
    { what: 'CRLF line ends', text: '[a]\r\nk = v\r\n', want: { a: { k: ['v'] } } },
  ])('$what', ({ text, want }) => {
    expect(flat(text)).toEqual(want);
  });

  it.each([
    { what: 'no = or :', text: '[a]\njust words\n', line: 2 },
    { what: 'an empty key', text: '[a]\n = v\n', line: 2 },
    { what: 'a continuation with nothing above', text: '[a]\n  v\n', line: 2 },
    { what: 'an unclosed section', text: '[a\n', line: 1 },
    { what: 'an empty section name', text: '[]\n', line: 1 },
    { what: 'a key before any section', text: 'k = v\n', line: 1 },
  ])('refuses $what, naming the line', ({ text, line }) => {
    expect(() => parseIni(text)).toThrow(IniSyntaxError);
    expect(() => parseIni(text)).toThrow(new RegExp(`^line ${line}: `));
  });
});

describe('oslo types', () => {
  it.each([
    ['true', true], ['TRUE', true], ['1', true], ['on', true], ['Yes', true],
    ['false', false], ['0', false], ['off', false], ['NO', false],
  ])('Boolean %j is %j', (raw, want) => {
    expect(osloBool(raw)).toEqual({ ok: true, value: want });
  });

  // oslo's Boolean is narrower than Magnum's label parser: no t, y, f, n.
  it.each(['t', 'y', 'f', 'n', '', 'maybe', ' true'])('Boolean refuses %j', (raw) => {
    expect(osloBool(raw).ok).toBe(false);
  });

  it.each([
    ['10', 10], [' 10 ', 10], ['+3', 3], ['-2', -2], ['1_000', 1000], ['', null], ['   ', null],
  ])('Integer %j is %j', (raw, want) => {
    expect(osloInt(raw)).toEqual({ ok: true, value: want });
  });

  it.each(['1.5', '10GB', '0x10', '1__0', '_1'])('Integer refuses %j', (raw) => {
    expect(osloInt(raw).ok).toBe(false);
  });

  it.each([
    ['', []], ['a', ['a']], ['a, b ,c', ['a', 'b', 'c']], ['a,b,', ['a', 'b']], [' , ', []], ['a, ,b', ['a', '', 'b']],
  ])('List %j is %j', (raw, want) => {
    expect(osloList(raw)).toEqual({ ok: true, value: want });
  });

  it('String with choices compares exactly', () => {
    expect(osloString('Retain', ['Retain', 'Delete'])).toEqual({ ok: true, value: 'Retain' });
    expect(osloString('retain', ['Retain', 'Delete'])).toMatchObject({ ok: false, reason: 'expected one of Retain, Delete, got "retain"' });
  });

  it.each([
    ['plain', { ok: true, value: 'plain' }],
    ['cost$$', { ok: true, value: 'cost$' }],
    ['a\\$b', { ok: true, value: 'a$b' }],
  ])('dollar escapes: %j', (raw, want) => {
    expect(unescapeDollars(raw)).toEqual(want);
  });

  it.each(['$state_path/kubeconfig', '${state_path}', 'a$$$b'])('a substitution %j is refused, not followed', (raw) => {
    expect(unescapeDollars(raw)).toMatchObject({ ok: false, reason: expect.stringContaining('substitution') });
  });
});
