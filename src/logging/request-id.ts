import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Fastify's `genReqId`: gives each request an id: the caller's well-formed `X-Request-Id`, else a
 * fresh UUID. The access line and every line logged while the request is handled carry it.
 */
export function genRequestId(req: { headers: IncomingHttpHeaders }): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Echoes the request id back, so a client can quote it when reporting a problem. */
export function echoRequestId(fastify: FastifyInstance): void {
  // A callback hook, not an async one: every answer passes here, and none has anything to wait for.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
