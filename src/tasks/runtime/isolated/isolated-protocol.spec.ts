import { AppError } from '../../../common/app-error';
import { retryDelay, TaskRetry } from '../retry-backoff';
import { carryError, restoreError } from './isolated-protocol';

/** An error as the worker sees it once it has crossed from a thread (through structured cloning). */
const crossed = (error: unknown) => restoreError(structuredClone(carryError(error)));

describe('errors across the thread boundary', () => {
  it('keep their name, message and code, which autoretryFor matches', () => {
    const sut = crossed(new AppError('DATABASE_UNAVAILABLE', 'MySQL is away', 'unavailable'));

    expect(sut).toMatchObject({ name: 'AppError', message: 'MySQL is away', code: 'DATABASE_UNAVAILABLE' });
    const policy = { delayMs: 1_000, maxMs: 10_000, jitter: false, autoretryFor: ['DATABASE_UNAVAILABLE'] };
    expect(retryDelay(1, sut, policy)).toBe(1_000);
    expect(retryDelay(1, crossed(new TypeError('bad')), policy)).toBe(-1);
  });

  it('keep a retry request as a TaskRetry, with its countdown or without one', () => {
    const counted = crossed(new TaskRetry({ countdown: 2.5, error: 'later' }));
    const uncounted = crossed(new TaskRetry({ error: new Error('again') }));

    expect(counted).toBeInstanceOf(TaskRetry);
    expect(counted).toMatchObject({ message: 'later', countdownMs: 2_500 });
    expect(uncounted).toBeInstanceOf(TaskRetry);
    expect((uncounted as TaskRetry).countdownMs).toBeUndefined();
  });

  it('turn a thrown value that is no Error into one', () => {
    expect(crossed('plain text')).toMatchObject({ name: 'Error', message: 'plain text' });
  });
});
