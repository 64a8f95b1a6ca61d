import { hasKeyAnywhere, nestsDeeperThan, prototypeKeyIn } from './json-body-parser';

const text = (json: string) => Buffer.from(json, 'utf8');

describe('nestsDeeperThan', () => {
  it.each([
    ['a scalar', '7', 0],
    ['an empty object', '{}', 1],
    ['objects in an array', '[{"a":1},{"b":[2]}]', 3],
    ['three levels of arrays', '[[[]]]', 3],
  ])('lets %s through at its own depth', (_, json, depth) => {
    expect(nestsDeeperThan(text(json), depth)).toBe(false);
  });

  it.each([
    ['four levels of arrays', '[[[[]]]]'],
    ['objects and arrays mixed', '{"a":[{"b":[1]}]}'],
    ['unclosed brackets', '[[[[['],
  ])('refuses %s beyond 3 levels', (_, json) => {
    expect(nestsDeeperThan(text(json), 3)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(text('["[[[[", "\\"[[[[", "{{{{"]'), 1)).toBe(false);
  });

  it('reads multi-byte characters without mistaking them for brackets', () => {
    expect(nestsDeeperThan(text('{"名前":"横幅😀","x":[1]}'), 2)).toBe(false);
  });

  it('checks a body of 100 000 levels without recursing', () => {
    expect(nestsDeeperThan(text('['.repeat(100_000) + ']'.repeat(100_000)), 32)).toBe(true);
  });
});

describe('hasKeyAnywhere', () => {
  it.each([
    ['at the top', { constructor: 1 }],
    ['in a nested object', { kwargs: { data: { constructor: 'x' } } }],
    ['in an object inside an array', { args: [1, [{ constructor: null }]] }],
  ])('finds the key %s', (_, value) => {
    expect(hasKeyAnywhere(value, 'constructor')).toBe(true);
  });

  it.each([
    ['a scalar', 7],
    ['null', null],
    ['the key as a value', { name: 'constructor', args: ['constructor'] }],
    ['an inherited property alone', {}],
  ])('does not find it in %s', (_, value) => {
    expect(hasKeyAnywhere(value, 'constructor')).toBe(false);
  });
});

describe('prototypeKeyIn', () => {
  it.each(['__proto__', '__proto__[admin]', '__proto__.admin', 'constructor', 'constructor[prototype][x]', 'prototype'])(
    'finds %j',
    (key) => {
      expect(prototypeKeyIn({ page: '1', [key]: '1' })).toBe(key);
    },
  );

  it('finds nothing in ordinary parameters', () => {
    expect(prototypeKeyIn({ page: '1', name: 'constructor', proto: 'x', __protocol: 'y' })).toBeUndefined();
  });
});
