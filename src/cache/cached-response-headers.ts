import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config';
import type { ResponseCachePolicy } from './cache-response.decorator';
import { ifNoneMatchHits, publicCacheControl } from './http-caching';
import type { CacheOutcome } from './response-cache.service';

/**
 * Clients may reuse the answer for `max-age`, as long again while they revalidate, and as long
 * as the server keeps the entry if the server fails.
 */
export function cacheControlOf(policy: ResponseCachePolicy, config: AppConfig): string {
  const maxAgeSeconds = policy.clientMaxAgeSeconds(config);
  return publicCacheControl({
    maxAgeSeconds,
    staleWhileRevalidateSeconds: maxAgeSeconds,
    staleIfErrorSeconds: Math.floor(policy.ttlMs(config) / 1000),
  });
}

/**
 * Sets the status and headers of a cached answer: `X-Cache`, `ETag`, `Cache-Control`, and either
 * 304 (true: send no body) or the JSON content type of the stored body (false). Both ways of
 * answering a cached route (the interceptor and the fast path) answer through this.
 */
export function writeCachedHeaders(
  reply: FastifyReply,
  request: FastifyRequest,
  { entry, status }: CacheOutcome,
  cacheControl: string,
): boolean {
  reply.header('x-cache', status).header('etag', entry.etag).header('cache-control', cacheControl);
  if (ifNoneMatchHits(request.headers['if-none-match'], entry.etag)) {
    reply.status(304);
    return true;
  }
  // A string body with a JSON content type is sent by Fastify without serializing it again.
  reply.header('content-type', 'application/json; charset=utf-8');
  return false;
}
