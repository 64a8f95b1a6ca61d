import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { lastValueFrom, type Observable, of } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { CACHE_RESPONSE_POLICY, type ResponseCachePolicy } from './cache-response.decorator';
import { ifNoneMatchHits, publicCacheControl } from './http-caching';
import { type CacheOutcome, ResponseCacheService } from './response-cache.service';

/**
 * Serves handlers marked with `@CacheResponse()` from the response cache: the stored bytes go out
 * as they are, with `X-Cache`, a strong `ETag` and `Cache-Control`; a matching `If-None-Match`
 * gets an empty 304. Nest's own `CacheInterceptor` stores the handler's object and lets the
 * framework serialize it again on every hit, and only knows HIT and MISS, hence this one.
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: ResponseCacheService,
    private readonly config: AppConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const policy = this.reflector.get<ResponseCachePolicy | undefined>(CACHE_RESPONSE_POLICY, context.getHandler());
    if (!policy || context.getType() !== 'http') return next.handle();

    const outcome = await this.cache.getOrLoad(policy, () => lastValueFrom(next.handle()));

    const http = context.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const notModified = writeCachedHeaders(reply, http.getRequest<FastifyRequest>(), outcome, cacheControlOf(policy, this.config));
    return of(notModified ? undefined : outcome.entry.body);
  }
}

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
 * 304 (true: send no body) or the JSON content type of the stored body (false).
 */
export function writeCachedHeaders(reply: FastifyReply, request: FastifyRequest, { entry, status }: CacheOutcome, cacheControl: string): boolean {
  reply.header('x-cache', status).header('etag', entry.etag).header('cache-control', cacheControl);
  if (ifNoneMatchHits(request.headers['if-none-match'], entry.etag)) {
    reply.status(304);
    return true;
  }
  // A string body with a JSON content type is sent by Fastify without serializing it again.
  reply.header('content-type', 'application/json; charset=utf-8');
  return false;
}
