import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config';
import type { ResponseCachePolicy } from './cache-response.decorator';
import { cacheControlOf, writeCachedHeaders } from './http-cache.interceptor';
import { ResponseCacheService } from './response-cache.service';

/**
 * Answers a `@CacheResponse()` GET route from a Fastify `onRequest` hook, ahead of Nest's pipeline
 * (router, interceptors, rxjs), which cost a cached answer about a third of its CPU time
 * (BENCHMARKS.md). The answer is the one {@link HttpCacheInterceptor} gives: the same lookup, the
 * same headers and the stored bytes; the hooks added before it (request id, access log, metrics)
 * still run. When the lookup fails, the request goes on to the Nest route, whose interceptor tries
 * again and whose filter answers the error.
 */
@Injectable()
export class CachedRouteHook {
  constructor(
    private readonly cache: ResponseCacheService,
    private readonly config: AppConfig,
  ) {}

  mount(fastify: FastifyInstance, url: string, policy: ResponseCachePolicy, load: () => Promise<unknown>): void {
    const cacheControl = cacheControlOf(policy, this.config);
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' || request.routeOptions.url !== url) return;
      let outcome;
      try {
        outcome = await this.cache.getOrLoad(policy, load);
      } catch {
        return;
      }
      const notModified = writeCachedHeaders(reply, request, outcome, cacheControl);
      return reply.send(notModified ? undefined : outcome.entry.body);
    });
  }
}
