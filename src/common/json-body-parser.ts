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
 * The `application/json` parser of the api: Fastify's own (which refuses `__proto__` and
 * `constructor` keys), behind a nesting limit, so a body nested too deep is a 400 and not a
 * stack overflow in the ValidationPipe.
 */
export function depthLimitedJsonParser(fastify: FastifyInstance): JsonParser<Buffer> {
  // Fastify's default JSON parser is the callback form of FastifyBodyParser.
  const parse = fastify.getDefaultJsonParser('error', 'error') as JsonParser<string>;
  return (request, body, done) => {
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      done(new BadRequestException(`JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`));
      return;
    }
    parse(request, body.toString('utf8'), done);
  };
}
