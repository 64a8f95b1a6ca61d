import { jest } from '@jest/globals';
import { TaskRetry } from './retry-backoff';
import { RunContext } from './run-context';

describe('RunContext', () => {
  const job = { progress: jest.fn<(percent: number) => Promise<void>>(() => Promise.resolve()) };

  it('gives the run its id and attempt', () => {
    const context = new RunContext('task-1', 2, job, { signal: new AbortController().signal });
    expect(context.id).toBe('task-1');
    expect(context.attempt).toBe(2);
  });

  it("reads the run's signal only when the handler does, since TaskRun makes it on first read", () => {
    const signal = new AbortController().signal;
    const read = jest.fn(() => signal);
    const run = Object.defineProperty({} as { signal: AbortSignal }, 'signal', { get: read });
    const context = new RunContext('task-1', 1, job, run);
    expect(read).not.toHaveBeenCalled();
    expect(context.signal).toBe(signal);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it("stores progress on the job, and answers once the job's call does", async () => {
    const context = new RunContext('task-1', 1, job, { signal: new AbortController().signal });
    await context.progress(40);
    expect(job.progress).toHaveBeenCalledWith(40);
  });

  it('ends the run with a TaskRetry carrying the countdown and error', () => {
    const context = new RunContext('task-1', 1, job, { signal: new AbortController().signal });
    let thrown: unknown;
    try {
      context.retry({ countdown: 3, error: 'not yet' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TaskRetry);
    expect((thrown as TaskRetry).message).toBe('not yet');
    expect((thrown as TaskRetry).countdownMs).toBe(3000);
  });

  it('makes no function per run: its methods are shared on the prototype', () => {
    const context = new RunContext('task-1', 1, job, { signal: new AbortController().signal });
    expect(Object.values(context).filter((value) => typeof value === 'function')).toEqual([]);
    expect(Object.getOwnPropertyNames(context)).not.toContain('signal');
  });
});
