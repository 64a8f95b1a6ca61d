import type { TaskTiming } from './task-timing';

/**
 * The per-call options of `applyAsync` beyond the arguments and the id: when, where and within
 * what limits a call runs. A workflow's signature takes them too, and TasksService checks them the
 * same way for both.
 */
export interface CallOptions extends TaskTiming {
  /** The queue to enqueue on, over the task's own (Celery's `queue`). @defaultValue the task's queue */
  readonly queue?: string;
  /** 1 (highest) to 10, over the task's own. @defaultValue the task's priority, else none */
  readonly priority?: number;
  /**
   * Seconds from when the call is enqueued, or an ISO-8601 date-time with its offset, past which
   * the task never starts: it ends REVOKED with the error "expired" (Celery's `expires`).
   * @defaultValue the task's, else never
   */
  readonly expires?: number | string;
  /**
   * Seconds after which the handler's signal aborts with SoftTimeLimitExceeded (Celery's
   * `soft_time_limit`), over the task's own; below the time limit. @defaultValue the task's, else none
   */
  readonly softTimeLimit?: number;
  /**
   * Seconds a run may take before it fails with TimeLimitExceeded (Celery's `time_limit`), over
   * the task's own. @defaultValue the task's (60 unless declared)
   */
  readonly timeLimit?: number;
}

/** Every key of {@link CallOptions}: a record, so that the compiler sees none is missing. */
const KEYS: Record<keyof CallOptions, true> = {
  countdown: true,
  eta: true,
  queue: true,
  priority: true,
  expires: true,
  softTimeLimit: true,
  timeLimit: true,
};
export const CALL_OPTION_KEYS = Object.keys(KEYS) as readonly (keyof CallOptions)[];

/** The call options among `source`'s fields, those given only. */
export function pickCallOptions(source: CallOptions): CallOptions {
  return Object.fromEntries(CALL_OPTION_KEYS.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}
