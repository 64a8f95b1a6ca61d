import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { lastValueFrom, type Observable, of } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { CACHE_RESPONSE_POLICY, type ResponseCachePolicy } from './cache-response.decorator';
import { cacheControlOf, writeCachedHeaders } from './cached-response-headers';
import { ResponseCacheService } from './response-cache.service';

/**
 * Serves handlers marked with `@CacheResponse()` from the response cache: the stored bytes go out
 * as they are, with `X-Cache`, a strong `ETag` and `Cache-Control`; a matching `If-None-Match`
 * gets an empty 304. Nest's own `CacheInterceptor` stores the handler's object and lets the
 * framework serialize it again on every hit, and only knows HIT and MISS, hence this one.
 *
 * The general mechanism: routes with a guard, path parameters or handler arguments run through
 * it; the others are answered ahead of Nest by {@link CachedRoutes}, with the same answer.
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
