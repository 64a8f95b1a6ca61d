import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { lastValueFrom, type Observable, of } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { CACHE_RESPONSE_POLICY, type ResponseCachePolicy } from './cache-response.decorator';
import { ifNoneMatchHits, publicCacheControl } from './http-caching';
import { ResponseCacheService } from './response-cache.service';

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

    const { entry, status } = await this.cache.getOrLoad(policy, () => lastValueFrom(next.handle()));

    const http = context.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    reply.header('x-cache', status).header('etag', entry.etag).header('cache-control', this.cacheControl(policy));
    if (ifNoneMatchHits(http.getRequest<FastifyRequest>().headers['if-none-match'], entry.etag)) {
      reply.status(304);
      return of(undefined);
    }
    // A string body with a JSON content type is sent by Fastify without serializing it again.
    reply.header('content-type', 'application/json; charset=utf-8');
    return of(entry.body);
  }

  /**
   * Clients may reuse the answer for `max-age`, as long again while they revalidate, and as long
   * as the server keeps the entry if the server fails.
   */
  private cacheControl(policy: ResponseCachePolicy): string {
    const maxAgeSeconds = policy.clientMaxAgeSeconds(this.config);
    return publicCacheControl({
      maxAgeSeconds,
      staleWhileRevalidateSeconds: maxAgeSeconds,
      staleIfErrorSeconds: Math.floor(policy.ttlMs(this.config) / 1000),
    });
  }
}
