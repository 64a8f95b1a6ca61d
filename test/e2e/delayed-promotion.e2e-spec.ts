import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import Bull, { type Queue } from 'bull';
import { promoteDueJobsOnTime } from '../../src/tasks/runtime/bull-workarounds';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** What this suite reads of a Bull 4 queue: its keys, its token and its command client with Bull's scripts. */
type BullInternals = Queue & {
  keys: Record<'delayed' | 'active' | 'wait' | 'priority' | 'paused' | 'meta-paused', string>;
  token: string;
  client: {
    updateDelaySet(args: (string | number)[]): Promise<string | null>;
    zscore(key: string, member: string): Promise<string | null>;
  };
};

/**
 * Bull's promotion of delayed jobs against the real Redis and Bull 4's own script: the clock's
 * reading is handed to it as Bull's delay timer does (lib/queue.js, updateDelayTimer; lib/scripts.js).
 */
describe('delayed jobs promoted on time (e2e, real Redis and Bull 4)', () => {
  let environment: TestEnvironment;
  const queues: Queue[] = [];
  const queueName = `delayed-${randomUUID()}`;

  function queue(): BullInternals {
    const created = new Bull(queueName, environment.env.QUEUE_REDIS_URL, { prefix: environment.env.QUEUE_PREFIX });
    queues.push(created);
    return created as BullInternals;
  }

  /** Runs Bull's promotion script as if the clock read `clock`. */
  function promote(bull: BullInternals, clock: number): Promise<string | null> {
    const { delayed, active, wait, priority, paused } = bull.keys;
    return bull.client.updateDelaySet([
      delayed,
      active,
      wait,
      priority,
      paused,
      bull.keys['meta-paused'],
      bull.toKey(''),
      clock,
      bull.token,
    ]);
  }

  /** Adds a job due in `delayMs` and answers it with the ms it is due at, from its score. */
  async function delayedJob(bull: BullInternals, delayMs = 60_000): Promise<{ id: string; dueAt: number }> {
    const job = await bull.add({}, { delay: delayMs });
    const score = Number(await bull.client.zscore(bull.keys.delayed, String(job.id)));
    return { id: String(job.id), dueAt: Math.floor(score / 0x1000) };
  }

  const stateOf = async (bull: Queue, id: string) => (await bull.getJob(id))?.getState();

  beforeAll(() => {
    environment = createTestEnvironment();
  });

  afterAll(async () => {
    await Promise.all(queues.map((created) => created.close()));
    await environment.dispose();
  });

  it("Bull's script keeps a job due at T while the clock reads T; promoteDueJobsOnTime moves it then, and not a millisecond before", async () => {
    const bare = queue();
    const job = await delayedJob(bare);
    await promote(bare, job.dueAt);
    expect(await stateOf(bare, job.id)).toBe('delayed');

    const onTime = queue();
    promoteDueJobsOnTime(onTime, () => undefined);
    await promote(onTime, job.dueAt - 1);
    expect(await stateOf(onTime, job.id)).toBe('delayed');
    await promote(onTime, job.dueAt);
    expect(await stateOf(onTime, job.id)).toBe('waiting');
  });

  it('tells when the next delayed job is due, from the answer of the script that promoted the one before, and nothing once none is left', async () => {
    const bull = queue();
    const heard: number[] = [];
    promoteDueJobsOnTime(bull, (dueAtMs) => heard.push(dueAtMs));
    const first = await delayedJob(bull);
    const second = await delayedJob(bull, 120_000);

    await promote(bull, first.dueAt - 1);
    expect(heard).toEqual([first.dueAt]);
    await promote(bull, first.dueAt);
    expect(heard).toEqual([first.dueAt, second.dueAt]);
    await promote(bull, second.dueAt);
    expect(heard).toEqual([first.dueAt, second.dueAt]);
    expect(await stateOf(bull, second.id)).toBe('waiting');
  });
});
