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

/** A cached answer's status and headers, in the order they are sent. */
export interface CachedAnswerHead {
  /** 304: send no body. */
  readonly notModified: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The status and headers of a cached answer: `X-Cache`, `ETag`, `Cache-Control`, and either 304
 * or the JSON content type of the stored body. Every way of answering a cached route (the
 * interceptor, the fast path, the early hit) answers through this.
 */
export function cachedAnswerHead(ifNoneMatch: string | undefined, { entry, status }: CacheOutcome, cacheControl: string): CachedAnswerHead {
  const notModified = ifNoneMatchHits(ifNoneMatch, entry.etag);
  const headers: Record<string, string> = { 'x-cache': status, etag: entry.etag, 'cache-control': cacheControl };
  // A string body with a JSON content type is sent by Fastify without serializing it again.
  if (!notModified) headers['content-type'] = 'application/json; charset=utf-8';
  return { notModified, headers };
}

/** Sets {@link cachedAnswerHead} on a Fastify reply; true: send no body (304). */
export function writeCachedHeaders(reply: FastifyReply, request: FastifyRequest, outcome: CacheOutcome, cacheControl: string): boolean {
  const { notModified, headers } = cachedAnswerHead(request.headers['if-none-match'], outcome, cacheControl);
  reply.headers(headers);
  if (notModified) reply.status(304);
  return notModified;
}
