import type { Job } from 'bull';
import { postponed, RateLimited } from './rate-limited';

/** The fields of a Bull job that its failure (lib/job.js moveToFailed, _saveAttempt) reads and writes. */
const jobOf = (fields: { attemptsMade: number; attempts: number; failedReason?: string }): Job =>
  ({ attemptsMade: fields.attemptsMade, failedReason: fields.failedReason, opts: { attempts: fields.attempts } }) as unknown as Job;

/** What Bull does with a failed run before storing it: one more attempt, and a retry while attempts are left. */
function failAsBullDoes(job: Job, error: Error): { attemptsMade: number; failedReason: string; retried: boolean; stackAdded: boolean } {
  job.attemptsMade++;
  return {
    attemptsMade: job.attemptsMade,
    failedReason: error.message,
    retried: job.attemptsMade < job.opts.attempts!,
    stackAdded: Boolean(error.stack),
  };
}

describe('postponed', () => {
  it('leaves a first run’s attempts as they were and stores no error: the task still reads PENDING', () => {
    const job = jobOf({ attemptsMade: 0, attempts: 1 });

    const sut = postponed(job, 250);

    expect(sut).toBeInstanceOf(RateLimited);
    expect(sut.waitMs).toBe(250);
    expect(failAsBullDoes(job, sut)).toEqual({ attemptsMade: 0, failedReason: '', retried: true, stackAdded: false });
  });

  it('leaves a retry its attempts and its last error: it still reads RETRY with that error', () => {
    const job = jobOf({ attemptsMade: 2, attempts: 3, failedReason: 'database down' });

    expect(failAsBullDoes(job, postponed(job, 100))).toEqual({
      attemptsMade: 2,
      failedReason: 'database down',
      retried: true,
      stackAdded: false,
    });
  });

  it('postpones a job retried by hand after it used every attempt, instead of failing it for good', () => {
    const job = jobOf({ attemptsMade: 3, attempts: 3, failedReason: 'boom' });

    expect(failAsBullDoes(job, postponed(job, 100))).toMatchObject({ attemptsMade: 3, retried: true });
  });
});
