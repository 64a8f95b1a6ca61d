import { expect } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import { ISOLATED_CONTEXT_TASK, type SeenContext } from '../fixtures/testing-tasks/isolated-context.task';
import { SPIN_TASK } from '../fixtures/testing-tasks/spin.task';
import { pollUntil } from '../support/poll';

const RUNTIME = join(__dirname, '..', '..', 'dist', 'tasks', 'runtime');
/** The pool of the build, whose thread file exists only in dist/, and the retry error class it answers with. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the build's modules, not ts-jest's
const { IsolatedPool } = require(
  join(RUNTIME, 'isolated', 'isolated-pool.js'),
) as typeof import('../../src/tasks/runtime/isolated/isolated-pool');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the class the build's pool throws
const { TaskRetry } = require(join(RUNTIME, 'retry-backoff.js')) as typeof import('../../src/tasks/runtime/retry-backoff');
/** The threads load the fixtures' TypeScript through the testing preload, as a worker's do. */
const THREAD_FLAGS = ['--require', join(__dirname, '..', 'support', 'testing-tasks.preload.cjs')];
const FIXTURES = join(__dirname, '..', 'fixtures', 'testing-tasks');
const CONTEXT_TASK = { name: ISOLATED_CONTEXT_TASK, handlerFile: join(FIXTURES, 'isolated-context.task.ts') };
const SPINNING = { name: SPIN_TASK, handlerFile: join(FIXTURES, 'spin.task.ts') };

describe('IsolatedPool (e2e: the build, piscina worker threads)', () => {
  let sut: InstanceType<typeof IsolatedPool>;
  let directory: string;
  const reported: number[] = [];
  const options = (more = {}) => ({
    id: 'a-task-id',
    attempt: 2,
    progress: (percent: number) => Promise.resolve(void reported.push(percent)),
    ...more,
  });

  beforeEach(() => {
    sut = new IsolatedPool({ threads: 1, execArgv: THREAD_FLAGS });
    directory = mkdtempSync(join(tmpdir(), 'isolated-pool-'));
    reported.length = 0;
  });

  afterEach(async () => {
    await sut.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it('runs the handler in another thread with its id and attempt, and its progress reaches the worker in order', async () => {
    const seen = (await sut.run(CONTEXT_TASK, ['context'], options())) as SeenContext;

    expect(seen).toEqual({ id: 'a-task-id', attempt: 2, threadId: expect.any(Number), isMainThread: false });
    expect(seen.threadId).not.toBe(threadId);
    expect(reported).toEqual([30, 60]);
  });

  it('forwards the soft stop to context.signal, with its reason, and lets the handler end on its own', async () => {
    const soft = new AbortController();
    const running = sut.run(CONTEXT_TASK, ['signal'], options({ signal: soft.signal }));
    soft.abort(Object.assign(new Error('past the soft limit'), { name: 'SoftTimeLimitExceeded' }));

    await expect(running).resolves.toBe('stopped: SoftTimeLimitExceeded: past the soft limit');
  });

  it('turns context.retry() into a TaskRetry with its countdown, and keeps an error name and code', async () => {
    const retry = await sut.run(CONTEXT_TASK, ['retry_once'], options({ attempt: 1 })).catch((error: unknown) => error);
    const failure = await sut.run(CONTEXT_TASK, ['fail'], options()).catch((error: unknown) => error);

    expect(retry).toBeInstanceOf(TaskRetry);
    expect(retry).toMatchObject({ message: 'once more', countdownMs: 0 });
    expect(failure).toMatchObject({ name: 'QuotaError', code: 'QUOTA_EXCEEDED', message: 'over quota' });
  });

  it('runs no more at once than it has threads: the next run waits for one', async () => {
    const spinning = sut.run(SPINNING, [directory], options());
    await pollUntil(
      () => reported.length,
      (count) => count > 0,
      'the spinning task to start',
    );
    const waiting = sut.run(CONTEXT_TASK, ['context'], options());
    writeFileSync(join(directory, 'stop'), '');

    const [spun, seen] = (await Promise.all([spinning, waiting])) as [{ threadId: number }, SeenContext];
    expect(reported).toEqual([50, 30, 60]);
    expect(seen.threadId).toBe(spun.threadId);
  });

  it('terminates the thread of a loop that never yields at the hard stop: the run fails with its reason and the loop stops', async () => {
    const hard = new AbortController();
    const counter = join(directory, 'counter');
    const running = sut.run(SPINNING, [directory], options({ hardStop: hard.signal }));
    await pollUntil(() => existsSync(counter), Boolean, 'the spinning task to start its loop');
    // The soft stop cannot reach a loop that never yields; only the hard one ends it.
    hard.abort(Object.assign(new Error('past the time limit'), { name: 'TimeLimitExceeded' }));

    // It rejects once the thread is gone: from then on the counter never moves again.
    await expect(running).rejects.toMatchObject({ name: 'TimeLimitExceeded', message: 'past the time limit' });
    const turns = readFileSync(counter, 'utf8');
    await sleep(1_000); // the loop writes every few microseconds while it runs: a second without a write means it stopped
    expect(readFileSync(counter, 'utf8')).toBe(turns);
    // The pool carries on, in a new thread.
    writeFileSync(join(directory, 'stop'), '');
    await expect(sut.run(SPINNING, [directory], options())).resolves.toEqual({ threadId: expect.any(Number) });
  });
});
