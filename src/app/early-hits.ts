import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { CachedResponse } from '../cache/cached-response';
import { cachedAnswerHead } from '../cache/cached-response-headers';
import type { CachedHit, CachedRoutes } from '../cache/cached-routes';
import { ifNoneMatchHits } from '../cache/http-caching';
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
 * What every early answer from one stored entry shares: its headers as name and value pairs in the
 * order they are sent (Node's `writeHead` takes them so, as it takes an object), with the request
 * id's value left blank for each answer to fill.
 */
interface AnswerTemplate {
  readonly hit: CachedHit;
  /** The body's length in bytes, for the access line. */
  readonly bytes: number;
  readonly ok: readonly string[];
  readonly notModified: readonly string[];
}

/** Flat pairs of the security headers, the request id (its value blank), then those of a cached answer. */
function headPairs(securityPairs: readonly string[], headers: Readonly<Record<string, string>>): string[] {
  return [...securityPairs, REQUEST_ID_HEADER, '', ...Object.entries(headers).flat()];
}

function answerTemplate(hit: CachedHit, securityPairs: readonly string[]): AnswerTemplate {
  const { outcome, cacheControl } = hit;
  const bytes = Buffer.byteLength(outcome.entry.body);
  const ok = headPairs(securityPairs, cachedAnswerHead(undefined, outcome, cacheControl).headers);
  // Fastify's Content-Length: none on a 304, the body's on a HEAD too.
  ok.push('content-length', String(bytes));
  // The 304's headers: those of a request whose If-None-Match is the entry's own ETag.
  const notModified = headPairs(securityPairs, cachedAnswerHead(outcome.entry.etag, outcome, cacheControl).headers);
  return { hit, bytes, ok, notModified };
}

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
  const securityPairs = Object.entries(securityHeaders).flat();
  const idSlot = securityPairs.length + 1;
  // Built once per stored entry: a new entry is a new object, so a changed one is never answered from an old template.
  const templates = new WeakMap<CachedResponse, AnswerTemplate>();
  const templateOf = (hit: CachedHit) => {
    const known = templates.get(hit.outcome.entry);
    if (known?.hit.outcome.status === hit.outcome.status && known.hit.cacheControl === hit.cacheControl) return known;
    const template = answerTemplate(hit, securityPairs);
    templates.set(hit.outcome.entry, template);
    return template;
  };
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
    const template = templateOf(hit);
    const notModified = ifNoneMatchHits(request.headers['if-none-match'], hit.outcome.entry.etag);
    const head = (notModified ? template.notModified : template.ok).slice();
    head[idSlot] = id;
    const bytes = notModified ? undefined : template.bytes;
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
    response.writeHead(notModified ? 304 : 200, head);
    // A string, not bytes: Node joins a string body to the head, a buffer goes as a second chunk (slower, measured).
    response.end(notModified || method === 'HEAD' ? undefined : hit.outcome.entry.body);
    return true;
  };
}
