/** The name of the backoff strategy registered with Bull (its `settings.backoffStrategies`). */
export const RETRY_BACKOFF = 'task-retry';

/** How a task's failed runs are retried, stored with each job (Bull's `backoff.options`). */
export interface RetryPolicy {
  /** The first delay; each next one doubles. */
  readonly delayMs: number;
  /** No delay is longer. */
  readonly maxMs: number;
  /** Full jitter: a random delay from 0 to the computed one. */
  readonly jitter: boolean;
  /** The error names or AppError codes that are retried; null: every error. */
  readonly autoretryFor: readonly string[] | null;
}

/** What a handler asks with `context.retry()`: a retry, even of an error autoretryFor does not list. */
export interface RetryRequest {
  /** Seconds before the next run. @defaultValue the task's backoff */
  readonly countdown?: number;
  /** Why: the task's error while it waits, and its final one if no attempt is left. */
  readonly error: Error | string;
}

/** Thrown by `context.retry()` (Celery's `self.retry`); the backoff strategy honours it. */
export class TaskRetry extends Error {
  readonly countdownMs?: number;

  constructor({ countdown, error }: RetryRequest) {
    super(typeof error === 'string' ? error : error.message);
    this.name = 'TaskRetry';
    if (countdown !== undefined) {
      if (!Number.isFinite(countdown) || countdown < 0)
        throw new RangeError(`retry countdown must be 0 or more seconds (got ${countdown})`);
      this.countdownMs = Math.round(countdown * 1000);
    }
  }
}

/** What Bull's backoff answers for "do not retry": the job fails at once. */
const NO_RETRY = -1;

/**
 * The delay before the next run after `attemptsMade` failed runs (Bull's custom backoff strategy):
 * exponential from `delayMs` (Bull's own formula: delay × (2^n − 1)), capped at `maxMs`, and with
 * full jitter drawn from 0 to that, so that the tasks failed by one outage do not all come back at
 * the same instant. An error outside `autoretryFor` is not retried; a {@link TaskRetry} always is,
 * after its own countdown when it gives one.
 * @param random a number in [0, 1) (Math.random; given in tests).
 */
export function retryDelay(attemptsMade: number, error: unknown, policy: RetryPolicy | null, random: () => number = Math.random): number {
  if (!policy) return 0;
  if (error instanceof TaskRetry) return error.countdownMs ?? retryDelay(attemptsMade, null, { ...policy, autoretryFor: null }, random);
  if (policy.autoretryFor && !policy.autoretryFor.some((name) => matches(error, name))) return NO_RETRY;
  const capped = Math.min(policy.maxMs, Math.round((2 ** attemptsMade - 1) * policy.delayMs));
  return policy.jitter ? Math.floor(random() * (capped + 1)) : capped;
}

function matches(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name: errorName, code } = error as { name?: unknown; code?: unknown };
  return errorName === name || code === name;
}
