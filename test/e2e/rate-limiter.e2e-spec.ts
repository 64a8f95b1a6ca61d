import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { LEASE_MS, MIN_LEASE_SIZE, RateLimiter } from '../../src/tasks/runtime/rate-limit/rate-limiter';
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

  /**
   * Asks until granted, waiting as told; answers the start (the grant's moment, or for a leased start
   * the moment it is used, as a worker starts the run at once) and how often it was told to wait.
   */
  const startWhenAdmitted = async (
    client: Redis,
    task: string,
    rate: { limit: number; windowMs: number },
    id: string,
    limiter: RateLimiter = sut,
  ) => {
    for (let waits = 0; ; waits++) {
      const decision = await limiter.admit(client, task, rate, jobKey(id), id);
      if (decision.granted) return { startedAt: decision.startedAt ?? Date.now(), leased: decision.startedAt === null, waits };
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

  // Leases grow with each worker's pace up to the room left in the window's free half: at 2,000, hundreds of starts at once.
  it.each([
    [{ limit: 400, windowMs: 500 }, 500],
    [{ limit: 2_000, windowMs: 500 }, 2_500],
  ])(
    'leases starts in batches while the window is less than half full, and the bound still holds (%o, %i runs a worker)',
    async (rate, runsPerWorker) => {
      const slots = 4;

      // Two workers, each with its own leases and 4 slots taking its runs one after another.
      const outcomes = await Promise.all(
        workers.map(async (client, worker) => {
          const limiter = new RateLimiter(prefix);
          let next = 0;
          const lane = async () => {
            const mine = [];
            while (next < runsPerWorker) mine.push(await startWhenAdmitted(client, 'leased', rate, `leased-${worker}-${next++}`, limiter));
            return mine;
          };
          return (await Promise.all(Array.from({ length: slots }, lane))).flat();
        }),
      ).then((byWorker) => byWorker.flat());

      expect(outcomes).toHaveLength(2 * runsPerWorker);
      const starts = outcomes.map((outcome) => outcome.startedAt).sort((a, b) => a - b);
      const crowded = starts.filter(
        (start, index) => index + rate.limit < starts.length && starts[index + rate.limit] - start < rate.windowMs,
      );
      expect(crowded).toEqual([]);
      expect(outcomes.filter((outcome) => outcome.leased).length).toBeGreaterThan(0);
    },
  );

  it('logs a lease as one entry of its count at the end of the lease, its latest start, and counts it for every worker', async () => {
    const rate = { limit: 100, windowMs: 60_000 };
    const [first, second] = [new RateLimiter(prefix), new RateLimiter(prefix)];
    const [client] = workers;
    const keys = sut.keysOf('lease-log');

    const granted = await first.admit(client, 'lease-log', rate, jobKey('l1'), 'l1');
    const fromLease = await first.admit(client, 'lease-log', rate, jobKey('l2'), 'l2');
    const leases = await client.zrange(keys.leases, 0, -1, 'WITHSCORES');
    // 32 starts leased: 32 more would fill more than half the window, so the other worker gets one.
    const otherWorker = await second.admit(client, 'lease-log', rate, jobKey('l3'), 'l3');

    const startedAt = (granted as { startedAt: number }).startedAt;
    expect(fromLease).toEqual({ granted: true, startedAt: null });
    expect(leases).toEqual([`${MIN_LEASE_SIZE}:${startedAt}:l1`, String(startedAt + LEASE_MS)]);
    expect(otherWorker).toMatchObject({ granted: true, startedAt: expect.any(Number) as number });
    expect(await client.get(keys.leased)).toBe(String(MIN_LEASE_SIZE));
    expect(await client.zcard(keys.starts)).toBe(1);
    expect(await client.pttl(keys.leases)).toBeLessThanOrEqual(rate.windowMs + LEASE_MS);
    expect(await client.pttl(keys.leased)).toBeLessThanOrEqual(rate.windowMs + LEASE_MS);
  });

  it('sizes the next lease to the pace of the last, within the free half of the window, and lowers the count as leases leave it', async () => {
    const rate = { limit: 1_000, windowMs: 400 };
    const limiter = new RateLimiter(prefix);
    const [client] = workers;
    const keys = sut.keysOf('lease-size');

    // 32 starts taken at once: the next lease asks for far more, and gets the rest of the free half.
    for (let n = 0; n < MIN_LEASE_SIZE; n++) await limiter.admit(client, 'lease-size', rate, jobKey(`s${n}`), `s${n}`);
    await limiter.admit(client, 'lease-size', rate, jobKey('next'), 'next');

    const leases = await client.zrange(keys.leases, 0, -1);
    expect(leases.map((entry) => Number(entry.split(':')[0]))).toEqual([MIN_LEASE_SIZE, rate.limit / 2 - MIN_LEASE_SIZE]);
    expect(await client.get(keys.leased)).toBe(String(rate.limit / 2));
    // The free half leased, another worker's start is logged alone; once the leases leave the window, leases come again.
    await new RateLimiter(prefix).admit(client, 'lease-size', rate, jobKey('alone'), 'alone');
    expect(await client.zcard(keys.starts)).toBe(1);
    await sleep(rate.windowMs + LEASE_MS + 50);
    const later = new RateLimiter(prefix);
    await later.admit(client, 'lease-size', rate, jobKey('again'), 'again');
    expect(await client.zrange(keys.leases, 0, -1)).toEqual([expect.stringMatching(new RegExp(`^${MIN_LEASE_SIZE}:\\d+:again$`))]);
    expect(await client.get(keys.leased)).toBe(String(MIN_LEASE_SIZE));
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
