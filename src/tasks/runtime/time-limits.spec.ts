import { AppError } from '../../common/app-error';
import { resolveTimeLimits, SoftTimeLimitExceeded, TaskRun, Terminated, TimeLimitExceeded } from './time-limits';

/** A promise with its settlement in the test's hands. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe('TaskRun', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts the signal at the soft limit and lets the work go on', async () => {
    const reached: string[] = [];
    const sut = new TaskRun({ softMs: 100, hardMs: 1_000 }, (limit) => reached.push(limit));
    const work = deferred<string>();
    sut.start();
    const outcome = sut.race(work.promise);

    jest.advanceTimersByTime(100);
    expect(sut.signal.reason).toBeInstanceOf(SoftTimeLimitExceeded);
    expect((sut.signal.reason as Error).message).toBe('SoftTimeLimitExceeded: the run passed its soft time limit of 0.1 s');
    expect(sut.hardStop.aborted).toBe(false);
    expect(reached).toEqual(['soft']);
    work.resolve('done');
    await expect(outcome).resolves.toBe('done');
    expect(sut.overrun).toBeUndefined();
  });

  it('stops the run at the hard limit with TimeLimitExceeded, and knows the work still runs until it ends', async () => {
    const reached: string[] = [];
    const sut = new TaskRun({ hardMs: 500 }, (limit) => reached.push(limit));
    const work = deferred<string>();
    sut.start();
    const outcome = sut.race(work.promise);

    jest.advanceTimersByTime(500);
    expect(reached).toEqual(['hard']);
    await expect(outcome).rejects.toThrow('TimeLimitExceeded: the run passed its time limit of 0.5 s');
    expect(sut.signal.reason).toBeInstanceOf(TimeLimitExceeded);
    expect(sut.hardStop.reason).toBeInstanceOf(TimeLimitExceeded);
    const overrun = sut.overrun;
    expect(overrun).toBeDefined();
    work.resolve('late');
    await overrun;
    expect(sut.overrun).toBeUndefined();
  });

  it('on terminate, aborts the signal at once and stops the run after the grace', async () => {
    const sut = new TaskRun({ hardMs: 60_000 }, undefined, 2_000);
    sut.start();
    const outcome = sut.race(new Promise<never>(() => undefined));

    sut.terminate();
    expect(sut.terminated).toBe(true);
    expect(sut.signal.reason).toBeInstanceOf(Terminated);
    expect(sut.hardStop.aborted).toBe(false);
    jest.advanceTimersByTime(2_000);
    await expect(outcome).rejects.toBeInstanceOf(Terminated);
  });

  it('starts no clock after end', () => {
    const sut = new TaskRun({ softMs: 10, hardMs: 20 });
    sut.start();
    sut.end();

    jest.advanceTimersByTime(1_000);
    expect(sut.signal.aborted).toBe(false);
    expect(sut.hardStop.aborted).toBe(false);
  });
});

describe('resolveTimeLimits', () => {
  const TASK = { softTimeLimit: 30, timeLimit: 60 };

  it("lays the call's limits over the task's", () => {
    expect(resolveTimeLimits(TASK, {})).toEqual({ softTimeLimit: 30, timeLimit: 60 });
    expect(resolveTimeLimits(TASK, { softTimeLimit: 0.5, timeLimit: 1.5 })).toEqual({ softTimeLimit: 0.5, timeLimit: 1.5 });
    expect(resolveTimeLimits({ timeLimit: 60 }, { timeLimit: 5 })).toEqual({ timeLimit: 5 });
  });

  it.each<[string, object, string]>([
    ['a time limit of 0', { timeLimit: 0 }, 'timeLimit must be a number of seconds above 0, at most 2147483 (got 0)'],
    ['a soft limit in a string', { softTimeLimit: '5' }, 'softTimeLimit must be a number of seconds above 0, at most 2147483 (got "5")'],
    ['a time limit below the soft one', { timeLimit: 10 }, 'softTimeLimit (30 s) must be below timeLimit (10 s), or it never comes first'],
  ])('refuses %s with TASK_INVALID_OPTION', (_, call, message) => {
    const sut = () => resolveTimeLimits(TASK, call);

    expect(sut).toThrow(AppError);
    expect(sut).toThrow(message);
  });
});
