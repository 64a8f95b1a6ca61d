import { deserialize, serialize } from 'node:v8';
import { type ArgumentMetadata, HttpException, ValidationPipe } from '@nestjs/common';
import { bodySchemaOf } from '../../../common/body-schema.decorator';
import { SchemaFirstValidationPipe } from '../../../common/schema-first-validation.pipe';
import { EnqueueTaskDto } from './enqueue-task.dto';

const pipe = new SchemaFirstValidationPipe();
const metadata: ArgumentMetadata = { type: 'body', metatype: EnqueueTaskDto };
const schema = bodySchemaOf(EnqueueTaskDto)!;

/** A deep copy that keeps what JSON cannot hold (NaN, undefined) and own `__proto__` keys: each path gets its own. */
const copy = <T>(value: T): T => deserialize(serialize(value)) as T;

/** An object with an own `__proto__` key, as JSON.parse makes it. */
const withProtoKey = (value: unknown): object => JSON.parse(`{"__proto__":${JSON.stringify(value)}}`) as object;

type Outcome = { readonly value: unknown } | { readonly status: number; readonly body: unknown };

async function outcomeOf(transform: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await transform() };
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    return { status: error.getStatus(), body: error.getResponse() };
  }
}

/** What the global pipe makes of a body, fast path included. */
const viaThePipe = (body: unknown) => outcomeOf(() => pipe.transform(copy(body), metadata));
/** What Nest's ValidationPipe alone makes of it, with the same options (class-validator and class-transformer). */
const viaValidationPipe = (body: unknown) => outcomeOf(() => ValidationPipe.prototype.transform.call(pipe, copy(body), metadata));

/** Values for each property: valid ones first, then each kind of invalid one. */
const VALUES: Readonly<Record<string, readonly unknown[]>> = {
  name: ['add', 'Été 😀', 'שלום\u200f', '', 'a\u0000b', 'a\tb', 'a\nb', '\u202egnp', 'a\u007f', 5, null, true, [], {}, ['add']],
  args: [
    [],
    [1, 'a', null, true, { x: [1, { y: 2 }] }],
    [[[]]],
    null,
    {},
    'x',
    1,
    [NaN],
    [Infinity],
    [{ toString: 1 }],
    [{ constructor: 1 }],
    [withProtoKey(1)],
    [{ prototype: {} }],
  ],
  kwargs: [
    {},
    { a: 1, b: { c: [2, 'd'] } },
    { '': null },
    null,
    [],
    'x',
    0,
    { valueOf: 3 },
    { prototype: 1 },
    withProtoKey({ polluted: true }),
    { nested: { hasOwnProperty: 'x' } },
    { constructor: { name: 'x' } },
    { a: NaN },
  ],
  countdown: [0, -0, 1.5, 1e308, -1, -1e-9, NaN, Infinity, -Infinity, '1', '', null, true, [1], { n: 1 }],
  eta: ['2026-01-01T00:00:00Z', '', 'tomorrow', 'a\nb', 'a\u2066b', 5, null, ['2026-01-01']],
  id: ['5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10', '', 'not-a-uuid', 5, null, {}],
  queue: ['default', 'banner', '', 7, null, []],
  priority: [1, 10, 5, 0, 11, -1, 5.5, '5', null, NaN, Infinity, true, [5]],
  expires: [10, 0.5, '2026-01-01T00:00:00+01:00', 'x', null, true, {}, [1], -1, NaN, { toString: 1 }, withProtoKey(1)],
  softTimeLimit: [0.5, 30, 0, -1, 1e9, 'x', '30', null, NaN, Infinity, {}],
  timeLimit: [1.5, 60, 0, -60, 'x', null, NaN, -Infinity, false],
};

/** Properties the DTO does not have, among them keys that reach prototypes or name inherited functions. */
const EXTRA_KEYS = ['taskId', 'Name', '', 'prototype', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** Bodies that are not an object of properties at all. */
const NOT_OBJECTS: readonly unknown[] = [null, undefined, 'add', 5, true, [], [{ name: 'add' }], withProtoKey({ name: 'add' })];

/** A small seeded generator (mulberry32), so that every run feeds the same bodies. */
function randomFrom(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBodies(count: number): object[] {
  const random = randomFrom(14);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, () => {
    // Valid values are the first of each list, so favour the head to reach accepted bodies too.
    const body: Record<string, unknown> = random() < 0.9 ? { name: pick(VALUES.name.slice(0, 3)) } : {};
    for (const [property, values] of Object.entries(VALUES)) {
      if (property !== 'name' && random() < 0.4) body[property] = random() < 0.6 ? values[0] : pick(values);
    }
    if (random() < 0.05) body[pick(EXTRA_KEYS)] = 1;
    return body;
  });
}

/** A valid body with one property set to each of its values, or one key added. */
const oneChangeBodies = (): object[] => [
  ...Object.entries(VALUES).flatMap(([property, values]) => values.map((value) => ({ name: 'add', [property]: value }))),
  ...EXTRA_KEYS.map((key) => ({ name: 'add', [key]: 'x' })),
  { name: 'add', ...withProtoKey(1) },
  { args: [1] },
];

describe('EnqueueTaskDto body schema (the fast path of SchemaFirstValidationPipe)', () => {
  it('accepts the valid bodies, so that they skip class-validator', () => {
    const valid = [
      { name: 'add' },
      { name: 'add', args: [1, 2], kwargs: { m: 2 }, countdown: 1.5 },
      { name: 'add', id: '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10', queue: 'banner', priority: 10 },
      { name: 'add', eta: '2026-01-01T00:00:00Z', expires: '2026-01-02T00:00:00+01:00', softTimeLimit: 0.5, timeLimit: 1.5 },
      { name: 'add', expires: 30, args: [{ nested: [null, true, 'x'] }] },
    ];
    for (const body of valid) expect(schema(body)).toBe(true);
  });

  it.each([
    ['a body without a name', { args: [] }],
    ['an unknown property', { name: 'add', taskId: 'x' }],
    ['an own __proto__ key', withProtoKey(1)],
    ['a null args', { name: 'add', args: null }],
    ['a priority that is not an integer', { name: 'add', priority: 1.5 }],
    ['a NaN countdown', { name: 'add', countdown: NaN }],
    ['a name with a control character', { name: 'a\u0000' }],
    ['kwargs holding a key the pipe would drop', { name: 'add', kwargs: { toString: 1 } }],
  ])('leaves %s to the ValidationPipe', (_, body) => {
    expect(schema(body)).toBe(false);
  });

  it.each([
    ['each property set to each of its values', oneChangeBodies(), true],
    ['bodies that are not objects', NOT_OBJECTS, false],
    ['random combinations', randomBodies(3000), true],
  ])('gives what the ValidationPipe alone gives, for %s', async (_, bodies, someTakeTheFastPath) => {
    let accepted = 0;
    for (const body of bodies) {
      const expected = await viaValidationPipe(body);
      const actual = await viaThePipe(body);
      if (schema(copy(body))) {
        accepted++;
        // Never a body that class-validator refuses.
        expect({ body, refused: !('value' in expected) }).toEqual({ body, refused: false });
      }
      // Strict: the same class, the same properties, those set to undefined included.
      expect({ body, outcome: actual }).toStrictEqual({ body, outcome: expected });
    }
    expect(accepted > 0).toBe(someTakeTheFastPath);
  });

  it('takes the fast path for a valid body and keeps class-validator for the others', async () => {
    const validate = jest.spyOn(ValidationPipe.prototype, 'transform');
    await pipe.transform({ name: 'add', args: [1] }, metadata);
    expect(validate).not.toHaveBeenCalled();
    await expect(pipe.transform({ name: 'add', args: null }, metadata)).rejects.toThrow(HttpException);
    expect(validate).toHaveBeenCalledTimes(1);
    validate.mockRestore();
  });
});
