import http from 'node:http';

/** The accessors of `node:http` that load undici, Node's fetch and WebSocket client, when read (Node 24 `lib/http.js`). */
export const UNDICI_ACCESSORS = ['WebSocket', 'CloseEvent', 'MessageEvent'] as const;

/**
 * Runs `load` with `node:http`'s {@link UNDICI_ACCESSORS} taken off its exports, then puts them
 * back. The first ES module to import from `node:http` (`@nestjs/core`, for `STATUS_CODES`) has
 * Node build that module's named exports once, reading every export: reading `WebSocket` loads
 * undici, and with it http2, zlib and the web streams, about 3.5 MB of resident memory in a worker
 * that uses none of them (nodejs/node#59686; BENCHMARKS.md, Memory target). Loaded through this,
 * those exports are not read. `require('node:http').WebSocket` still answers afterwards; an ES
 * module that imports `WebSocket` by name from `node:http` would get `undefined` (none in the roles).
 */
export function loadWithoutUndici<T>(load: () => T): T {
  const hidden = UNDICI_ACCESSORS.flatMap((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(http, name);
    return descriptor?.configurable ? [{ name, descriptor }] : [];
  });
  for (const { name } of hidden) Reflect.deleteProperty(http, name);
  try {
    return load();
  } finally {
    for (const { name, descriptor } of hidden) Object.defineProperty(http, name, descriptor);
  }
}
