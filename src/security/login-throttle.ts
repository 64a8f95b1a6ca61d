import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { type Ceiling, ThrottleCounters } from './throttle-counters';
import { sendTooManyRequests } from './too-many-requests';

const ONE_MINUTE_MS = 60_000;

/** What a credential check found: a login that failed is counted against the client's address. */
export type LoginVerdict = 'granted' | 'missing' | 'wrong';

/** Another ceiling a granted login counts against (the enqueues), with its 429's message. */
export interface CountedWithLogin {
  readonly ceiling: Ceiling;
  readonly message: (retryAfterSeconds: number) => string;
}

/**
 * Failed admin and dashboard logins, counted per client address in the cache Redis
 * (ThrottleCounters), so the ceiling holds across api processes. Only failures count: an admin
 * who logs in right is never slowed. Once an address is past the ceiling every login from it is
 * refused with 429 until the minute is over, a right one too, or a guesser would learn from the
 * answer which guess was right. When the cache Redis does not answer, logins are not throttled,
 * as the cache fails open everywhere else.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly config: AppConfig,
    private readonly counters: ThrottleCounters,
  ) {}

  /**
   * Runs `check`, then in one round trip looks whether the client is already past the ceiling
   * and, unless it is, counts a failure, or on a granted login `alsoCounted`. Answers 429 with
   * `Retry-After` when the client is (or has just gone) past its ceiling, or the login past
   * `alsoCounted`'s.
   * @returns the verdict, or `undefined` when the 429 has been sent.
   */
  async check(
    request: FastifyRequest,
    reply: FastifyReply,
    check: () => LoginVerdict,
    alsoCounted?: CountedWithLogin,
  ): Promise<LoginVerdict | undefined> {
    // The verdict is computed first, but tells nothing until the address is known not to be past.
    const verdict = check();
    const address: Ceiling = { key: `login:${request.ip}`, max: this.config.throttle.loginFailuresPerMinute, windowMs: ONE_MINUTE_MS };
    const passed = await this.counters.hit(address, verdict === 'granted' ? alsoCounted?.ceiling : address);
    if (!passed) return verdict;
    const { ceiling, retryAfterSeconds } = passed;
    const message =
      ceiling === alsoCounted?.ceiling
        ? alsoCounted.message(retryAfterSeconds)
        : `Too many failed logins from this address: try again in ${retryAfterSeconds} s`;
    void sendTooManyRequests(request, reply, retryAfterSeconds, message);
    return undefined;
  }
}
