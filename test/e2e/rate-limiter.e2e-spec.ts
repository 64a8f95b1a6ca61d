import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { RateLimiter } from '../../src/tasks/runtime/rate-limit/rate-limiter';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** The limiter's script on the real broker Redis, called from two connections as two workers would. */
describe('RateLimiter (e2e, real Redis)', () => {
  let environment: TestEnvironment;
  let workers: [Redis, Redis];
  let sut: RateLimiter;
  let prefix: string;

  beforeAll(() => {
    environment = createTestEnvironment();
    prefix = environment.env.QUEUE_PREFIX;
    workers = [new Redis(environment.env.QUEUE_REDIS_URL), new Redis(environment.env.QUEUE_REDIS_URL)];
    sut = new RateLimiter(prefix);
  });

  afterAll(async () => {
    await Promise.all(workers.map((client) => client.quit()));
    await environment.dispose();
  });

  const jobKey = (id: string) => `${prefix}:default:${id}`;

  /** Asks until granted, waiting as told; answers the start and how often it was told to wait. */
  const startWhenAdmitted = async (client: Redis, task: string, rate: { limit: number; windowMs: number }, id: string) => {
    for (let waits = 0; ; waits++) {
      const decision = await sut.admit(client, task, rate, jobKey(id), id);
      if (decision.granted) return { startedAt: decision.startedAt, waits };
      expect(decision.waitMs).toBeGreaterThan(0);
      await sleep(decision.waitMs);
    }
  };

  it('never lets a window of the rate hold more starts than the limit, whichever connection asks', async () => {
    const rate = { limit: 5, windowMs: 300 };
    const runs = 40;

    const outcomes = await Promise.all(
      Array.from({ length: runs }, (_, index) => startWhenAdmitted(workers[index % 2], 'burst', rate, `burst-${index}`)),
    );

    const starts = outcomes.map((outcome) => outcome.startedAt).sort((a, b) => a - b);
    const crowded = starts.filter(
      (start, index) => index + rate.limit < starts.length && starts[index + rate.limit] - start < rate.windowMs,
    );
    expect(crowded).toEqual([]);
    // All 40 asked at once: only the first 5 could start without waiting.
    expect(outcomes.filter((outcome) => outcome.waits === 0)).toHaveLength(rate.limit);
    // Each waiter is told its turn, so they do not all come back and ask again each time a start
    // frees (a stampede would ask about 35 + 30 + … + 5 = 140 times before the last start).
    const waits = outcomes.reduce((sum, outcome) => sum + outcome.waits, 0);
    expect(waits).toBeLessThan(3 * (runs - rate.limit));
  });

  it('stamps a granted start on the job as Bull’s processedOn, and removes it from a job that must wait', async () => {
    const rate = { limit: 1, windowMs: 60_000 };
    const [client] = workers;
    await client.hset(jobKey('first'), 'processedOn', '1', 'name', 'stamp');
    await client.hset(jobKey('second'), 'processedOn', '1', 'name', 'stamp');

    const granted = await sut.admit(client, 'stamp', rate, jobKey('first'), 'first');
    const postponed = await sut.admit(client, 'stamp', rate, jobKey('second'), 'second');

    expect(granted).toMatchObject({ granted: true });
    expect(await client.hget(jobKey('first'), 'processedOn')).toBe(String((granted as { startedAt: number }).startedAt));
    expect(postponed).toMatchObject({ granted: false });
    expect((postponed as { waitMs: number }).waitMs).toBeLessThanOrEqual(rate.windowMs);
    expect(await client.hget(jobKey('second'), 'processedOn')).toBeNull();
    // A job whose hash is gone (its result expired) is not created again.
    await sut.admit(client, 'stamp', rate, jobKey('gone'), 'gone');
    expect(await client.exists(jobKey('gone'))).toBe(0);
  });

  it('keeps a waiter’s place in line, and its keys expire once the window is past', async () => {
    const rate = { limit: 1, windowMs: 10_000 };
    const [client] = workers;

    const first = await sut.admit(client, 'line', rate, jobKey('a'), 'a');
    const second = (await sut.admit(client, 'line', rate, jobKey('b'), 'b')) as { waitMs: number };
    const third = (await sut.admit(client, 'line', rate, jobKey('c'), 'c')) as { waitMs: number };
    const secondAgain = (await sut.admit(client, 'line', rate, jobKey('b'), 'b')) as { waitMs: number };

    expect(first).toMatchObject({ granted: true });
    expect(third.waitMs - second.waitMs).toBeGreaterThanOrEqual(rate.windowMs - 50);
    // Asking again before its turn, the second keeps its turn ahead of the third.
    expect(secondAgain.waitMs).toBeLessThan(third.waitMs - rate.windowMs / 2);
    const keys = sut.keysOf('line');
    expect(await client.pttl(keys.starts)).toBeLessThanOrEqual(rate.windowMs);
    expect(await client.pttl(keys.waiting)).toBeGreaterThan(third.waitMs);
    expect(await client.pttl(keys.waiting)).toBeLessThanOrEqual(third.waitMs + rate.windowMs + 50);
  });
});
