/** The layering rule of DESIGN.md: maps deep, lists concatenate, null never overrides. */
import { describe, expect, it } from 'vitest';
import { mergeAll, mergeValues, type Values } from '../../../src/values/merge.js';

describe('mergeValues', () => {
  it.each<[string, Values, Values, Values]>([
    ['maps merge deeply', { a: { b: 1, c: { d: 2 } } }, { a: { c: { e: 3 } } }, { a: { b: 1, c: { d: 2, e: 3 } } }],
    ['a scalar on top wins', { a: { b: 1 } }, { a: { b: 2 } }, { a: { b: 2 } }],
    ['lists concatenate, lower layer first', { l: [1, { x: 1 }] }, { l: [2] }, { l: [1, { x: 1 }, 2] }],
    ['null never overrides a value', { a: { b: 1 }, s: 'x' }, { a: null, s: null }, { a: { b: 1 }, s: 'x' }],
    ['null still sets a key nothing below set', { a: 1 }, { b: null }, { a: 1, b: null }],
    ['a map replaces a scalar', { a: 'x' }, { a: { b: 1 } }, { a: { b: 1 } }],
    ['a list replaces a map', { a: { b: 1 } }, { a: [1] }, { a: [1] }],
    ['false and 0 do override', { a: true, n: 5 }, { a: false, n: 0 }, { a: false, n: 0 }],
    ['an empty map changes nothing below', { a: { b: 1 } }, { a: {} }, { a: { b: 1 } }],
  ])('%s', (_name, base, top, expected) => {
    expect(mergeValues(base, top)).toEqual(expected);
  });

  it('layers apply in order, the last on top', () => {
    expect(mergeAll([{ a: 1, l: ['base'] }, { a: 2, l: ['generated'] }, { a: 3, l: ['overlay'] }])).toEqual({ a: 3, l: ['base', 'generated', 'overlay'] });
  });

  it('shares no structure with its inputs', () => {
    const base: Values = { m: { l: [{ x: 1 }] } };
    const top: Values = { n: { l: [{ y: 1 }] } };
    const out = mergeValues(base, top) as { m: { l: { x: number }[] }; n: { l: { y: number }[] } };
    out.m.l[0]!.x = 9;
    out.n.l.push({ y: 2 });
    expect(base).toEqual({ m: { l: [{ x: 1 }] } });
    expect(top).toEqual({ n: { l: [{ y: 1 }] } });
  });
});
