import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
// Types only: the plugin's declarations add `createRateLimit` to FastifyInstance.
import type {} from '@fastify/rate-limit';
import { AppConfig } from '../config/app-config';
import { sendTooManyRequests } from './too-many-requests';

const ONE_MINUTE_MS = 60_000;

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** What a credential check found: a login that failed is counted against the client's address. */
export type LoginVerdict = 'granted' | 'missing' | 'wrong';

/**
 * Failed admin and dashboard logins, counted per client address in the cache Redis through
 * @fastify/rate-limit, so the ceiling holds across api processes. Only failures count: an admin
 * who logs in right is never slowed. Once an address is past the ceiling every login from it is
 * refused with 429 until the minute is over, a right one too, or a guesser would learn from the
 * answer which guess was right. When the cache Redis does not answer, logins are not throttled
 * (`skipOnError`), as the cache fails open everywhere else.
 */
@Injectable()
export class LoginThrottle {
  private limiter?: Limiter;

  constructor(private readonly config: AppConfig) {}

  /** Binds to the api's Fastify, once @fastify/rate-limit is registered on it. */
  attach(fastify: FastifyInstance): void {
    this.limiter = fastify.createRateLimit({
      max: this.config.throttle.loginFailuresPerMinute,
      timeWindow: ONE_MINUTE_MS,
      keyGenerator: (request) => `login:${request.ip}`,
    });
  }

  /**
   * Runs `check` unless the client is already past the ceiling, counts a failure, and answers 429
   * with `Retry-After` when the client is (or has just gone) past it.
   * @returns the verdict, or `undefined` when the 429 has been sent.
   */
  async check(request: FastifyRequest, reply: FastifyReply, check: () => LoginVerdict): Promise<LoginVerdict | undefined> {
    const limiter = this.limiter;
    if (!limiter) throw new Error('LoginThrottle.attach() was not called');
    const before = await limiter(request, { increment: false });
    if (!before.isAllowed && before.isExceeded) return this.refuse(request, reply, before.ttlInSeconds);
    const verdict = check();
    if (verdict === 'granted') return verdict;
    const after = await limiter(request);
    if (!after.isAllowed && after.isExceeded) return this.refuse(request, reply, after.ttlInSeconds);
    return verdict;
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number): undefined {
    void sendTooManyRequests(
      request,
      reply,
      retryAfterSeconds,
      `Too many failed logins from this address: try again in ${retryAfterSeconds} s`,
    );
    return undefined;
  }
}
