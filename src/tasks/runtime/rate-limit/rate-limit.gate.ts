import { Injectable } from '@nestjs/common';
import type { Job } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { parseRate, type Rate } from './rate';
import { postponed } from './rate-limited';
import { type RateDecision, RateLimiter } from './rate-limiter';

function startOrPostpone(job: Job, decision: RateDecision): void {
  if (!decision.granted) throw postponed(job, decision.waitMs);
  if (decision.startedAt !== null) job.processedOn = decision.startedAt;
}

/** The worker's side of the rate limits: asks the limiter before a run of a rate-limited task starts. */
@Injectable()
export class RateLimitGate {
  private readonly limiter: RateLimiter;
  private readonly rates = new Map<string, Rate>();

  constructor(config: AppConfig) {
    this.limiter = new RateLimiter(config.queue.prefix);
  }

  /**
   * Returns when the run may start now, or resolves then: a start this worker holds leased is
   * granted at once, with nothing for the run to await.
   * @param rateLimit the task's, checked when the registry was built (`10/s`).
   * @throws RateLimited when it must wait: the job goes back to `delayed` without using an attempt.
   */
  admit(job: Job, rateLimit: string): Promise<void> | undefined {
    const id = String(job.id);
    const decision = this.limiter.admit(job.queue.client, job.name, this.rateOf(rateLimit), job.queue.toKey(id), id);
    if (decision instanceof Promise) return decision.then((answered) => startOrPostpone(job, answered));
    startOrPostpone(job, decision);
    return undefined;
  }

  private rateOf(text: string): Rate {
    const known = this.rates.get(text);
    if (known) return known;
    const rate = parseRate(text);
    if (!rate) throw new Error(`Invalid rate limit "${text}"`);
    this.rates.set(text, rate);
    return rate;
  }
}
