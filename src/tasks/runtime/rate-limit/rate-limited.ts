import type { Job } from 'bull';

/**
 * Thrown by a run that must wait for its task's rate limit, before its handler starts. Bull fails
 * the run, and the backoff strategy (bull-options.ts) answers `waitMs`, so the job goes back
 * to `delayed` until then: the worker's slot is free at once, and the job runs when a start is free.
 * Use {@link postponed} to build one: it keeps the wait from counting as an attempt.
 */
export class RateLimited extends Error {
  constructor(
    readonly waitMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RateLimited';
    // Bull appends a failed run's stack to the job's stacktrace when it has one: a wait adds none.
    this.stack = '';
  }
}

/**
 * The error that postpones this run by `waitMs` as if it had never been taken: Bull's failure of a
 * run (lib/job.js moveToFailed, _saveAttempt) counts an attempt and stores the error's message as
 * the job's failedReason, in one transaction with its move to `delayed`. So the count is lowered
 * first and the message is the job's last reason: what Bull stores is what was there, and a task
 * that waits for its first run still reads PENDING, with no error.
 */
export function postponed(job: Job, waitMs: number): RateLimited {
  // A job retried by hand from `failed` has used every attempt, and Bull would fail it for good.
  if (job.attemptsMade >= (job.opts.attempts ?? 1)) job.opts.attempts = job.attemptsMade + 1;
  job.attemptsMade -= 1;
  return new RateLimited(waitMs, job.failedReason ?? '');
}
