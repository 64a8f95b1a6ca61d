import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { AppConfig } from '../config/app-config';

/** How often Node looks for requests past their headers or request timeout (its default is 30 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Fastify's server options for slow and idle clients: a client that trickles its headers is cut
 * off with a 408 after `headersTimeoutMs`, one that trickles its body after `requestTimeoutMs`,
 * a silent connection after `idleTimeoutMs`, and keep-alive connections are bounded in time and
 * in requests.
 */
export function serverLimits(http: AppConfig['http']): FastifyHttpOptions<Server> {
  return {
    connectionTimeout: http.idleTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    maxRequestsPerSocket: http.maxRequestsPerSocket,
    http: { headersTimeout: http.headersTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
  };
}
