import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import type { ResponseCachePolicy } from './cache-response.decorator';
import { cacheControlOf, writeCachedHeaders } from './http-cache.interceptor';
import { ResponseCacheService } from './response-cache.service';

/** Answers an error as the application's one error filter does (HttpErrorFilter.answer). */
export type ErrorAnswer = (error: unknown, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Answers a `@CacheResponse()` GET route from a Fastify `onRequest` hook, ahead of Nest's pipeline
 * (router, interceptors, rxjs), which cost a cached answer about a third of its CPU time
 * (BENCHMARKS.md). The answer is the one {@link HttpCacheInterceptor} gives: the same lookup, the
 * same headers and the stored bytes; the hooks added before it (request id, access log, metrics)
 * still run. A failed lookup is answered here too, through `answerError`: passing the request on to
 * the Nest route would run the same lookup again against the same failing stores. The Nest route
 * still answers HEAD and documents the route.
 */
@Injectable()
export class CachedRouteHook {
  constructor(
    private readonly cache: ResponseCacheService,
    private readonly config: AppConfig,
  ) {}

  mount(fastify: FastifyInstance, url: string, policy: ResponseCachePolicy, load: () => Promise<unknown>, answerError: ErrorAnswer): void {
    const cacheControl = cacheControlOf(policy, this.config);
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' || request.routeOptions.url !== url) return;
      let outcome;
      try {
        outcome = await this.cache.getOrLoad(policy, load);
      } catch (error) {
        answerError(error, request, reply);
        return reply;
      }
      const notModified = writeCachedHeaders(reply, request, outcome, cacheControl);
      return reply.send(notModified ? undefined : outcome.entry.body);
    });
  }
}
