import { Injectable, RequestMethod, type Type } from '@nestjs/common';
import { GUARDS_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { CACHE_RESPONSE_POLICY, type ResponseCachePolicy } from './cache-response.decorator';
import { cacheControlOf, writeCachedHeaders } from './cached-response-headers';
import { HttpCacheInterceptor } from './http-cache.interceptor';
import { type CacheOutcome, ResponseCacheService } from './response-cache.service';

/** Answers an error as the application's one error filter does (HttpErrorFilter.answer). */
export type ErrorAnswer = (error: unknown, request: FastifyRequest, reply: FastifyReply) => void;

/** A cached route the fast path answers: its full URL, its policy and the handler's method name. */
export interface FastPathRoute {
  readonly url: string;
  readonly policy: ResponseCachePolicy;
  readonly methodName: string;
}

const metadata = <T>(key: string | symbol, target: object): T | undefined => Reflect.getMetadata(key, target) as T | undefined;

const trimSlashes = (path: string) => path.replace(/^\/+|\/+$/g, '');

/**
 * The fast-path route of a controller method, or undefined when the method must run through
 * Nest's pipeline: a `@CacheResponse()` GET handler under {@link HttpCacheInterceptor} (and no
 * other interceptor), with no guard, no path parameter and no handler argument, whose answer is
 * therefore the same for every request. Global guards and interceptors (`APP_GUARD`) are not
 * looked at: the application registers none, and one added would not run on these routes.
 */
export function fastPathRouteOf(controller: Type, methodName: string, globalPrefix: string): FastPathRoute | undefined {
  const handler = (controller.prototype as Record<string, unknown>)[methodName];
  if (typeof handler !== 'function') return undefined;
  const policy = metadata<ResponseCachePolicy>(CACHE_RESPONSE_POLICY, handler);
  if (!policy || metadata<RequestMethod>(METHOD_METADATA, handler) !== RequestMethod.GET) return undefined;
  const interceptors = [
    ...(metadata<unknown[]>(INTERCEPTORS_METADATA, controller) ?? []),
    ...(metadata<unknown[]>(INTERCEPTORS_METADATA, handler) ?? []),
  ];
  if (interceptors.length !== 1 || interceptors[0] !== HttpCacheInterceptor) return undefined;
  const guards = [...(metadata<unknown[]>(GUARDS_METADATA, controller) ?? []), ...(metadata<unknown[]>(GUARDS_METADATA, handler) ?? [])];
  if (guards.length > 0) return undefined;
  // Nest keeps the argument decorators (@Param, @Query, @Req…) on the class, by handler name.
  const routeArgs = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodName) as object | undefined) ?? {};
  if (Object.keys(routeArgs).length > 0) return undefined;
  const controllerPath = metadata<unknown>(PATH_METADATA, controller);
  const methodPath = metadata<unknown>(PATH_METADATA, handler);
  if (typeof controllerPath !== 'string' || typeof methodPath !== 'string') return undefined;
  const segments = [globalPrefix, controllerPath, methodPath].map(trimSlashes).filter((segment) => segment !== '');
  const url = `/${segments.join('/')}`;
  if (url.includes(':') || url.includes('*')) return undefined;
  return { url, policy, methodName };
}

/**
 * Answers the cached routes that {@link fastPathRouteOf} selects from a Fastify `onRequest` hook,
 * ahead of Nest's pipeline (router, interceptors, rxjs), which cost a cached answer about a third
 * of its CPU time (BENCHMARKS.md). The routes are found at start-up from the same
 * `@CacheResponse()` declarations the interceptor reads, so a cached route is declared once, on its
 * controller method. The answer is the interceptor's: the same lookup, the same headers and the
 * stored bytes; GET and HEAD (Fastify's HEAD route drops the body); the hooks added before it
 * (request id, access log, metrics) still run. A failed lookup is answered here too, through
 * `answerError`: passing the request on to Nest would run the same lookup again against the same
 * failing stores.
 */
@Injectable()
export class CachedRoutes {
  /** The fast-path routes by URL, once mounted. */
  private routes: ReadonlyMap<string, MountedRoute> = new Map();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly cache: ResponseCacheService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Registers the hook for every fast-path route on the api's Fastify instance; call it before
   * `listen`. The start fails if Nest registered no such route (a path computed wrongly here).
   * @returns the URLs answered ahead of Nest.
   */
  mount(fastify: FastifyInstance, globalPrefix: string, answerError: ErrorAnswer): string[] {
    const routes = new Map<string, MountedRoute>(
      this.discovery.getControllers().flatMap(({ metatype, instance }) => {
        if (!metatype || !instance) return [];
        return this.scanner.getAllMethodNames(metatype.prototype as object).flatMap((name) => {
          const route = fastPathRouteOf(metatype as Type, name, globalPrefix);
          if (!route) return [];
          // Awaited, so that a handler that throws at once still ends in a rejected promise.
          const load = async () => await (instance as Record<string, () => unknown>)[name]();
          return [[route.url, { policy: route.policy, load, cacheControl: cacheControlOf(route.policy, this.config) }]] as const;
        });
      }),
    );
    fastify.addHook('onReady', () => {
      const missing = [...routes.keys()].filter((url) => !fastify.hasRoute({ method: 'GET', url }));
      return missing.length > 0
        ? Promise.reject(new Error(`Cached routes without a Nest route: ${missing.join(', ')}`))
        : Promise.resolve();
    });
    // A callback hook that answers without calling `done`, as Fastify lets a hook end a request:
    // a hit on this process's copy is answered at once, with no promise on the way.
    fastify.addHook('onRequest', (request, reply, done) => {
      const route = request.method === 'GET' || request.method === 'HEAD' ? routes.get(request.routeOptions.url ?? '') : undefined;
      if (!route) return done();
      const hit = this.cache.hitHere(route.policy);
      if (hit) return send(request, reply, hit, route.cacheControl);
      this.cache
        .getOrLoad(route.policy, route.load)
        .then(
          (outcome) => send(request, reply, outcome, route.cacheControl),
          (error: unknown) => answerError(error, request, reply),
        )
        .catch(done);
    });
    this.routes = routes;
    return [...routes.keys()];
  }

  /**
   * The answer of a fast-path route whose URL is exactly `url` (no query string), when this
   * process's copy of its entry holds it; undefined otherwise, for the route's full way.
   */
  hitHere(url: string): CachedHit | undefined {
    const route = this.routes.get(url);
    const outcome = route && this.cache.hitHere(route.policy);
    return outcome && { outcome, cacheControl: route.cacheControl };
  }
}

/** A fast-path route as mounted: its policy, its handler and its Cache-Control. */
interface MountedRoute {
  readonly policy: ResponseCachePolicy;
  readonly load: () => Promise<unknown>;
  readonly cacheControl: string;
}

/** A hit on this process's copy, with the route's Cache-Control. */
export interface CachedHit {
  readonly outcome: CacheOutcome;
  readonly cacheControl: string;
}

/** The interceptor's answer: the cached headers, then the stored bytes or, for a 304, nothing. */
function send(request: FastifyRequest, reply: FastifyReply, outcome: CacheOutcome, cacheControl: string): void {
  const notModified = writeCachedHeaders(reply, request, outcome, cacheControl);
  void reply.send(notModified ? undefined : outcome.entry.body);
}
