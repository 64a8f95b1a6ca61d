import { BadRequestException, ForbiddenException, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { prototypeKeyIn } from '../common/json-body-parser';
import { AppConfig } from '../config/app-config';
import { markAdminAuthenticated } from '../auth/admin-authentication';
import { checkBearerToken, hasDuplicateAuthorization } from '../auth/bearer-token';
import { secretDigest } from '../auth/same-secret';
import { drainRefusedBody } from './drain-refused-body';
import { type CountedWithLogin, LoginThrottle } from './login-throttle';
import { type HeaderSet, securityHeaders } from './security-headers';

const ONE_MINUTE_MS = 60_000;
const PAYLOAD_TOO_LARGE = 413;

/** What a route declares in its Fastify config (see `@Enqueues()`). */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route enqueues a task: it counts against TASK_ENQUEUES_PER_MINUTE. */
    enqueues?: boolean;
  }
}

export interface SecuredRoutes {
  /** Route paths outside `/api/admin` that take the admin token too. */
  readonly adminPaths: readonly string[];
  /** Where files other sites may embed are served (the banner images). */
  readonly sharedPrefix: string;
}

/**
 * The api's protections that must act before Nest sees a request, as Fastify hooks: security
 * headers, admin authentication in `onRequest` (so an anonymous body is refused before it is read
 * or parsed), the throttles, and draining a refused body so its sender can read the 413.
 */
@Injectable()
export class HttpSecurity {
  /** ADMIN_TOKEN's digest, computed once rather than on every admin request. */
  private readonly tokenDigest?: Buffer;
  /** TASK_ENQUEUES_PER_MINUTE over every route marked `@Enqueues()`, all admins and processes together. */
  private readonly enqueues: CountedWithLogin;
  /** The security headers of every answer (see `securityHeaders`), computed once. */
  readonly headers: HeaderSet;

  constructor(
    private readonly config: AppConfig,
    private readonly loginThrottle: LoginThrottle,
  ) {
    this.headers = securityHeaders(config.banner.mediaBaseUrl);
    const { token } = config.admin;
    this.tokenDigest = token === undefined ? undefined : secretDigest(token);
    const max = config.throttle.enqueuesPerMinute;
    this.enqueues = {
      ceiling: { key: 'enqueues', max, windowMs: ONE_MINUTE_MS },
      message: (retryAfterSeconds) =>
        `More than ${max} tasks enqueued this minute (TASK_ENQUEUES_PER_MINUTE): try again in ${retryAfterSeconds} s`,
    };
  }

  /**
   * Gives every answer helmet's security headers (see `securityHeaders`), set on the reply in one
   * call from a set computed at start rather than by helmet's middlewares on the raw response,
   * whose `setHeader`s also made Node merge the reply's headers one `setHeader` at a time (about
   * 8 % of a cached answer's CPU in a profile, @fastify/helmet's per-request hooks included).
   * Call it before any other hook that sets headers, so that these lead each answer's headers as
   * helmet's did.
   */
  addSecurityHeaders(fastify: FastifyInstance): void {
    const headers = this.headers;
    fastify.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  }

  /** Registers the rest on the api's Fastify instance. Call it before any route is added. */
  register(fastify: FastifyInstance, routes: SecuredRoutes): void {
    const isAdminRoute = (path: string | undefined) =>
      path !== undefined && (path.startsWith('/api/admin/') || routes.adminPaths.includes(path));
    // The enqueues are counted with the admin login, in its round trip to Redis.
    fastify.addHook('onRoute', ({ method, url, config }) => {
      if (config?.enqueues && !isAdminRoute(url))
        throw new Error(`${String(method)} ${url} is marked @Enqueues() but is not an admin route`);
    });
    // A callback hook: every answer passes here, and only an admin request has something to wait for.
    fastify.addHook('onRequest', (request, reply, done) => {
      const protoKey = prototypeKeyIn(request.query as Record<string, unknown>);
      if (protoKey !== undefined) return done(new BadRequestException(`Query parameter "${protoKey}" is not allowed`));
      const path = request.routeOptions.url;
      if (path?.startsWith(routes.sharedPrefix)) void reply.header('cross-origin-resource-policy', 'cross-origin');
      if (!isAdminRoute(path)) return done();
      this.authenticate(request, reply).then(
        (answered) => {
          if (!answered) done();
        },
        (error: Error) => done(error),
      );
    });
    // A callback hook, not an async one: every answer passes here, and only a 413 has work to wait for.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode !== PAYLOAD_TOO_LARGE) return done(null, payload);
      drainRefusedBody(request.raw).then(
        () => done(null, payload),
        (error: Error) => done(error),
      );
    });
  }

  /**
   * `Authorization: Bearer <ADMIN_TOKEN>`, with the same answers as AdminTokenGuard (which stays
   * on the controllers, for any admin route outside this prefix), failed attempts counted, and
   * on a route marked `@Enqueues()` a granted one counted against TASK_ENQUEUES_PER_MINUTE.
   * @returns whether the throttle has answered the request itself (a 429).
   */
  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const expected = this.tokenDigest;
    if (!expected) throw new ServiceUnavailableException('Admin routes are disabled: ADMIN_TOKEN is not set');
    if (hasDuplicateAuthorization(request.raw.rawHeaders)) throw new BadRequestException('Send one Authorization header');
    const check = () => checkBearerToken(request.headers.authorization, expected);
    const verdict = await this.loginThrottle.check(request, reply, check, request.routeOptions.config.enqueues ? this.enqueues : undefined);
    if (verdict === undefined) return true;
    if (verdict === 'missing') throw new UnauthorizedException('Missing Bearer token');
    if (verdict === 'wrong') throw new ForbiddenException('Invalid admin token');
    markAdminAuthenticated(request);
    return false;
  }
}
