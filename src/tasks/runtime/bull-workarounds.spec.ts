import Bull, { type Job, type Queue } from 'bull';
import { LockTimers, promoteDueJobsOnTime, readJobsWithoutTraceErrors } from './bull-workarounds';

/** A queue with Bull's own methods and no connection: `nextJobFromJobData` only builds the job. */
function offlineQueue(): Queue & { nextJobFromJobData(jobData: Record<string, string>, jobId: string): Job } {
  return Object.assign(Object.create(Bull.prototype as object) as object, {
    name: 'default',
    toKey: (type: string) => `bull:default:${type}`,
  }) as never;
}

/** The fields Redis holds for a job Bull has just taken: no stack trace until it fails. */
const freshJob = () => ({ name: 'add', data: '{"args":[1,2]}', opts: '{"attempts":3}', timestamp: '1', delay: '0', attemptsMade: '0' });

describe('readJobsWithoutTraceErrors', () => {
  afterEach(() => jest.restoreAllMocks());

  it('spares Bull the JSON.parse of a missing stack trace, which throws, and Bull reads the same empty list', () => {
    const bare = offlineQueue();
    const parse = jest.spyOn(JSON, 'parse');
    const bareJob = bare.nextJobFromJobData(freshJob(), '1');
    expect(parse.mock.calls.some(([text]) => text === undefined)).toBe(true);

    const sut = offlineQueue();
    readJobsWithoutTraceErrors(sut);
    parse.mockClear();
    const job = sut.nextJobFromJobData(freshJob(), '1');

    expect(parse.mock.calls.some(([text]) => text === undefined)).toBe(false);
    expect(job.stacktrace).toEqual([]);
    expect(job.stacktrace).toEqual(bareJob.stacktrace);
    expect(job.data).toEqual(bareJob.data);
  });

  it("keeps a failed job's stack traces", () => {
    const sut = offlineQueue();
    readJobsWithoutTraceErrors(sut);

    const job = sut.nextJobFromJobData({ ...freshJob(), stacktrace: '["Error: boom"]' }, '1');

    expect(job.stacktrace).toEqual(['Error: boom']);
  });
});

describe('promoteDueJobsOnTime', () => {
  /** A queue whose command client answers Bull's promotion script with `nextScore`, recording its arguments. */
  function queueAnswering(nextScore: string | null) {
    const calls: (string | number)[][] = [];
    const client = {
      updateDelaySet: (args: (string | number)[]) => {
        calls.push([...args]);
        return Promise.resolve(nextScore);
      },
    };
    return { queue: { client } as unknown as Queue, client, calls };
  }
  /** Bull's arguments (lib/scripts.js): six keys, the key prefix, the clock's reading, the queue's token. */
  const bullArguments = (clock: number) => ['d', 'a', 'w', 'p', 'pd', 'mp', 'bull:default:', clock, 'token'];

  it("hands Bull's script the end of the clock's millisecond: every score of a job due in it (due ms × 4096 plus 12 bits)", async () => {
    const { queue, client, calls } = queueAnswering(null);
    promoteDueJobsOnTime(queue, () => undefined);

    await client.updateDelaySet(bullArguments(1_000));

    const clock = Number(calls[0][7]);
    expect(Math.floor(clock)).toBe(1_000);
    expect(clock * 0x1000).toBe(1_000 * 0x1000 + 0xfff);
    expect(calls[0].slice(0, 7)).toEqual(bullArguments(1_000).slice(0, 7));
    expect(calls[0][8]).toBe('token');
  });

  it('tells when the next delayed job is due, in ms, and answers Bull what the script did', async () => {
    const due: number[] = [];
    const { queue, client } = queueAnswering(String(2_000 * 0x1000 + 17));
    promoteDueJobsOnTime(queue, (dueAtMs) => due.push(dueAtMs));

    expect(await client.updateDelaySet(bullArguments(1_000))).toBe(String(2_000 * 0x1000 + 17));
    expect(due).toEqual([2_000]);
  });

  it('tells nothing when no delayed job is left', async () => {
    const due: number[] = [];
    const { queue, client } = queueAnswering(null);
    promoteDueJobsOnTime(queue, (dueAtMs) => due.push(dueAtMs));

    await client.updateDelaySet(bullArguments(1_000));
    expect(due).toEqual([]);
  });
});

describe('LockTimers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a timer once after its delay, unless it is cleared first', () => {
    const sut = new LockTimers();
    const fired: string[] = [];
    sut.set('lockExtender', 100, () => fired.push('first'));
    const second = sut.set('lockExtender', 100, () => fired.push('second'));
    sut.clear(second);
    jest.advanceTimersByTime(100);
    expect(fired).toEqual(['first']);
    jest.advanceTimersByTime(1000);
    expect(fired).toEqual(['first']);
  });

  it('gives every timer its own id', () => {
    const sut = new LockTimers();
    const ids = Array.from({ length: 3 }, () => sut.set('lockExtender', 100, () => undefined));
    expect(new Set(ids).size).toBe(3);
  });

  it('is idle at first, and again once its last timer is cleared or has run', async () => {
    const sut = new LockTimers();
    await sut.whenIdle();
    const first = sut.set('lockExtender', 100, () => undefined);
    sut.set('lockExtender', 200, () => undefined);
    let idle = false;
    void sut.whenIdle().then(() => (idle = true));
    sut.clear(first);
    sut.clear(undefined); // Bull clears a job's timer even when none was set
    await Promise.resolve();
    expect(idle).toBe(false);
    jest.advanceTimersByTime(200);
    await Promise.resolve();
    expect(idle).toBe(true);
  });

  it('clears every timer at once for Bull to close the queue', async () => {
    const sut = new LockTimers();
    const fired: number[] = [];
    sut.set('lockExtender', 100, () => fired.push(1));
    sut.set('lockExtender', 100, () => fired.push(2));
    const idle = sut.whenIdle();
    sut.clearAll();
    await idle;
    jest.advanceTimersByTime(100);
    expect(fired).toEqual([]);
  });

  it('keeps a later timer running when one throws', () => {
    const sut = new LockTimers();
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const fired: string[] = [];
    sut.set('lockExtender', 100, () => {
      throw new Error('boom');
    });
    sut.set('lockExtender', 200, () => fired.push('later'));
    jest.advanceTimersByTime(200);
    expect(fired).toEqual(['later']);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });
});
