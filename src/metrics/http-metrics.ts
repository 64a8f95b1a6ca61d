import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MetricsService } from './metrics.service';

/** The route label of requests that matched no route: one series for every unknown URL. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** The route template (`/api/admin/tasks/:id`) a request matched; never the URL, to bound the series. */
export function routeLabel(request: Pick<FastifyRequest, 'routeOptions'>): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/**
 * Times every response of the api's Fastify instance: Nest routes, static files, the docs and the
 * queue dashboard alike, including the errors that guards and the router answer before any Nest
 * interceptor would run.
 */
export function instrumentHttp(fastify: FastifyInstance, metrics: MetricsService): void {
  // A callback hook, not an async one: every answer passes here, and none has anything to wait for.
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.method, routeLabel(request), reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
