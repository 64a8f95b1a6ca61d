import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { cachedAnswerHead } from '../cache/cached-response-headers';
import type { CachedRoutes } from '../cache/cached-routes';
import type { AccessLog } from '../logging/access-log';
import { genRequestId, REQUEST_ID_HEADER } from '../logging/request-id';
import type { MetricsService } from '../metrics/metrics.service';
import type { HeaderSet } from '../security/security-headers';
import type { EarlyAnswer } from './http-server';

/** What an early hit is made of: the routes, the headers of every answer, its access line and its metrics. */
export interface EarlyHitParts {
  readonly routes: CachedRoutes;
  readonly securityHeaders: HeaderSet;
  readonly access: AccessLog;
  readonly metrics: MetricsService;
}

/** A body to read, which Fastify's body limits and parsers must see. */
const hasBody = (request: IncomingMessage) =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0';

/**
 * Answers a hit of a cached route on this process's copy (CachedRoutes.hitHere) from Node's HTTP
 * server, before Fastify sees the request: Fastify's routing, its request and reply objects and the
 * hooks that Nest and the application add cost such an answer more than half of its CPU time
 * (BENCHMARKS.md, Cached read). The answer is byte for byte the one the full way gives: the
 * security headers, the request id, the cached headers and the stored bytes, in the same order,
 * then the same access line and metrics.
 *
 * Only a plain GET or HEAD of a cached route's exact URL (no query string), with no body, while the
 * application is not closing, is answered here; any other request, and a miss, takes the full way
 * (CachedRoutes' hook, Nest), which answers it as before.
 */
export function answerHitsEarly(fastify: FastifyInstance, parts: EarlyHitParts): EarlyAnswer {
  const { routes, securityHeaders, access, metrics } = parts;
  // Fastify answers 503 from its close on (return503OnClosing); its preClose hooks run right after.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  return (request, response) => {
    const { method, url } = request;
    if (closing || (method !== 'GET' && method !== 'HEAD') || url === undefined || hasBody(request)) return false;
    const startedAt = performance.now();
    const hit = routes.hitHere(url);
    if (!hit) return false;
    const id = genRequestId(request);
    const { notModified, headers } = cachedAnswerHead(request.headers['if-none-match'], hit.outcome, hit.cacheControl);
    const body = hit.outcome.entry.body;
    // Fastify's Content-Length: none on a 304, the body's on a HEAD too.
    const bytes = notModified ? undefined : Buffer.byteLength(body);
    const remoteAddress = request.socket.remoteAddress;
    // Fastify's onResponse moment: the response finished, or failed.
    const answered = () => {
      response.removeListener('finish', answered);
      response.removeListener('error', answered);
      const elapsedMs = performance.now() - startedAt;
      const { statusCode } = response;
      access.write({ id, method, route: url, remoteAddress, url, headers: request.headers, statusCode, bytes, elapsedMs });
      metrics.httpRequest(method, url, statusCode, elapsedMs / 1000);
    };
    response.on('finish', answered);
    response.on('error', answered);
    const head: Record<string, string> = { ...securityHeaders, [REQUEST_ID_HEADER]: id, ...headers };
    if (bytes !== undefined) head['content-length'] = String(bytes);
    response.writeHead(notModified ? 304 : 200, head);
    response.end(notModified || method === 'HEAD' ? undefined : body);
    return true;
  };
}
