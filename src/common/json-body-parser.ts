import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The deepest nesting of arrays and objects a JSON body may have. The ValidationPipe's
 * class-transformer recurses once per level and overflows the stack a few thousand levels down
 * (a 500); no request of this API needs more than a handful.
 */
export const MAX_JSON_DEPTH = 32;

type JsonParser<Body> = (request: FastifyRequest, body: Body, done: (error: Error | null, value?: unknown) => void) => void;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether JSON text nests arrays and objects deeper than `max`, brackets inside strings aside.
 * It does not validate: malformed text is left to the parser. UTF-8 continuation bytes never equal
 * an ASCII byte, so the bytes can be scanned as they are.
 */
export function nestsDeeperThan(text: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPENERS.has(byte)) {
      if (++depth > max) return true;
    } else if (CLOSERS.has(byte)) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether an object anywhere in the value has the own key. Recursive: run it on parsed bodies
 * only, which {@link nestsDeeperThan} has bounded.
 */
export function hasKeyAnywhere(value: unknown, key: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.hasOwn(value, key)) return true;
  return Object.values(value).some((item) => hasKeyAnywhere(item, key));
}

/** Keys that reach an object's prototype, refused in bodies and query strings alike. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * The first query-string parameter whose name reaches for a prototype (`__proto__`,
 * `constructor`, `prototype`, also as `__proto__[x]` or `__proto__.x`), if any. class-transformer
 * drops such a parameter without a word, so it would slip past the check for unknown ones.
 */
export function prototypeKeyIn(query: Readonly<Record<string, unknown>>): string | undefined {
  return Object.keys(query).find((key) => PROTOTYPE_KEYS.includes(key.split(/[[.]/, 1)[0]));
}

/**
 * The `application/json` parser of the api: Fastify's own (which refuses `__proto__` keys and
 * `constructor.prototype`), behind a nesting limit, so a body nested too deep is a 400 and not a
 * stack overflow in the ValidationPipe. A `constructor` key is refused too: class-transformer
 * drops it without a word, so it would vanish from a task's arguments and slip past the check
 * for unknown fields.
 */
export function jsonBodyParser(fastify: FastifyInstance): JsonParser<Buffer> {
  // Fastify's default JSON parser is the callback form of FastifyBodyParser.
  const parse = fastify.getDefaultJsonParser('error', 'error') as JsonParser<string>;
  return (request, body, done) => {
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      done(new BadRequestException(`JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`));
      return;
    }
    parse(request, body.toString('utf8'), (error, value) => {
      if (!error && hasKeyAnywhere(value, 'constructor')) {
        done(new BadRequestException('JSON body has a "constructor" key, which is not allowed'));
        return;
      }
      done(error, value);
    });
  };
}
