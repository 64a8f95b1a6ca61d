import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiOkResponse, type ApiResponseMetadata, type HeadersObject } from '@nestjs/swagger';
import type { CacheStatus } from './response-cache.service';

const X_CACHE: readonly CacheStatus[] = ['HIT', 'MISS', 'BYPASS', 'STALE'];

/** What {@link HttpCacheInterceptor} sends with every answer, a 304 included. */
const CACHE_HEADERS: HeadersObject = {
  'X-Cache': {
    description:
      '`HIT` from Redis; `MISS` loaded from MySQL and stored; `BYPASS` the cache Redis is down or slow, ' +
      "answered from MySQL; `STALE` MySQL failed and the shared entry is gone: this process's last good copy",
    schema: { type: 'string', enum: [...X_CACHE] },
  },
  ETag: {
    description: 'Strong: a SHA-256 of the exact bytes of the body. Send it back in `If-None-Match`.',
    schema: { type: 'string' },
  },
  'Cache-Control': {
    description:
      '`public, max-age=N, stale-while-revalidate=N, stale-if-error=T` (RFC 5861): N is how long clients ' +
      'may reuse the answer, T how long the server keeps the entry (for the banner list: `CLIENT_MAX_AGE` ' +
      'and `BANNER_CACHE_TTL`)',
    schema: { type: 'string', example: 'public, max-age=60, stale-while-revalidate=60, stale-if-error=86400' },
  },
};

/**
 * Documents a `@CacheResponse()` handler: its 200 answer (`options`) with the caching headers of
 * {@link HttpCacheInterceptor}, the 304 a matching `If-None-Match` gets, and that request header.
 */
export const ApiCachedResponse = (options: Pick<ApiResponseMetadata, 'type' | 'description'>) =>
  applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'The `ETag` of a copy the client holds: while it is current, the answer is a 304 without a body.',
    }),
    ApiOkResponse({ ...options, headers: CACHE_HEADERS }),
    ApiNotModifiedResponse({ description: 'The copy named in `If-None-Match` is current; no body.', headers: CACHE_HEADERS }),
  );
