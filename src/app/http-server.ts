import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyHttpOptions, FastifyServerFactory } from 'fastify';

/** The options Fastify hands its server factory: its own, defaults applied (typed there as a plain record). */
type ServerOptions = Pick<
  FastifyHttpOptions<Server>,
  'http' | 'keepAliveTimeout' | 'requestTimeout' | 'connectionTimeout' | 'maxRequestsPerSocket'
>;

/** Answers a request ahead of Fastify and returns true, or returns false and leaves it to Fastify. */
export type EarlyAnswer = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * Fastify's `serverFactory`: the HTTP server Fastify would create (lib/server.js: its `http`
 * options and limits, which Fastify sets only on a server it creates itself), offering each
 * request to `early.answer`, once set, before Fastify's handler.
 */
export function httpServerFactory(early: { answer?: EarlyAnswer }): FastifyServerFactory<Server> {
  return (handler, fastifyOptions) => {
    const options = fastifyOptions as ServerOptions;
    const server = createServer(options.http ?? {}, (request, response) => {
      if (early.answer?.(request, response)) return;
      handler(request, response);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    // Fastify leaves Node's default for 0.
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };
}
