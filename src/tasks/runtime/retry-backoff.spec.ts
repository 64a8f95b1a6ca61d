import { AppError } from '../../common/app-error';
import { type RetryPolicy, retryDelay, TaskRetry } from './retry-backoff';

const POLICY: RetryPolicy = { delayMs: 1_000, maxMs: 600_000, jitter: false, autoretryFor: null };

describe('retryDelay', () => {
  it('grows exponentially from the first delay, as Bull does', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelay(attempts, new Error('x'), POLICY))).toEqual([1_000, 3_000, 7_000, 15_000]);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelay(30, new Error('x'), { ...POLICY, maxMs: 60_000 })).toBe(60_000);
  });

  it('with full jitter draws from 0 to the computed delay, both ends included', () => {
    const policy = { ...POLICY, jitter: true };

    expect(retryDelay(2, new Error('x'), policy, () => 0)).toBe(0);
    expect(retryDelay(2, new Error('x'), policy, () => 0.5)).toBe(1_500);
    expect(retryDelay(2, new Error('x'), policy, () => 0.999_999_9)).toBe(3_000);
  });

  it('retries a retry the handler asked for, after its countdown, whatever autoretryFor lists', () => {
    const policy = { ...POLICY, jitter: true, autoretryFor: ['TypeError'] };

    expect(retryDelay(1, new TaskRetry({ countdown: 2.5, error: 'not yet' }), policy)).toBe(2_500);
    expect(retryDelay(2, new TaskRetry({ error: new Error('not yet') }), { ...policy, jitter: false })).toBe(3_000);
    expect(() => new TaskRetry({ countdown: -1, error: 'x' })).toThrow(RangeError);
  });

  it('retries only the errors autoretryFor names, by name or AppError code; others fail at once', () => {
    const policy = { ...POLICY, autoretryFor: ['TypeError', 'DATABASE_UNAVAILABLE'] };

    expect(retryDelay(1, new TypeError('x'), policy)).toBe(1_000);
    expect(retryDelay(1, new AppError('DATABASE_UNAVAILABLE', 'down', 'unavailable'), policy)).toBe(1_000);
    expect(retryDelay(1, new Error('x'), policy)).toBe(-1);
    expect(retryDelay(1, 'a string', policy)).toBe(-1);
  });
});
