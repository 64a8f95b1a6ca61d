import type { Redis } from 'ioredis';
import { LEASE_MS, MIN_LEASE_SIZE, leaseSizeAfter, MAX_LEASE_SIZE, RateLimiter } from './rate-limiter';

type Answer = [number, number, number?];

/** A broker whose script answers are released by hand, recording what each call asked for. */
function brokerAnswering() {
  const calls: { lease: number; release: (answer: Answer) => void; fail: (error: Error) => void }[] = [];
  const client = {
    defineCommand: jest.fn(),
    admitTaskStart: (...args: unknown[]) => new Promise<Answer>((release, fail) => calls.push({ lease: args[8] as number, release, fail })),
  } as unknown as Redis;
  return { client, calls };
}

const RATE = { limit: 1_000_000, windowMs: 1_000 };
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A limiter whose first start came with a lease of the smallest size, of which it used that start. */
async function limiterHoldingALease() {
  const { client, calls } = brokerAnswering();
  const sut = new RateLimiter('test');
  const first = sut.admit(client, 'add', RATE, 'job:0', '0');
  await flush();
  calls[0].release([1, 1_000, MIN_LEASE_SIZE - 1]);
  await first;
  return { client, calls, sut };
}

describe('leaseSizeAfter', () => {
  it('asks for the last lease’s pace over a whole lease, with a quarter more', () => {
    expect(leaseSizeAfter(32, 10)).toBe(400);
    expect(leaseSizeAfter(300, LEASE_MS)).toBe(375);
  });

  it('asks for no fewer than the smallest lease, however few starts were used', () => {
    expect(leaseSizeAfter(1, LEASE_MS)).toBe(MIN_LEASE_SIZE);
  });

  it('asks for no more than the largest lease, even for a lease spent at once', () => {
    expect(leaseSizeAfter(5_000, 0)).toBe(MAX_LEASE_SIZE);
    expect(leaseSizeAfter(32, 0.01)).toBe(4_000);
  });
});

describe('RateLimiter', () => {
  it('asks once for the runs that find no lease together, and they share the lease that comes', async () => {
    const { client, calls } = brokerAnswering();
    const sut = new RateLimiter('test');

    const decisions = Array.from({ length: 16 }, (_, n) => Promise.resolve(sut.admit(client, 'add', RATE, `job:${n}`, String(n))));
    await flush();
    expect(calls).toHaveLength(1);
    calls[0].release([1, 1_000, MIN_LEASE_SIZE - 1]);

    await expect(Promise.all(decisions)).resolves.toEqual([
      { granted: true, startedAt: 1_000 },
      ...Array.from({ length: 15 }, () => ({ granted: true, startedAt: null })),
    ]);
    expect(calls).toHaveLength(1);
  });

  it('grants a start from the lease it holds at once, not as a promise', async () => {
    const { client, calls, sut } = await limiterHoldingALease();

    expect(sut.admit(client, 'add', RATE, 'job:1', '1')).toEqual({ granted: true, startedAt: null });
    expect(calls).toHaveLength(1);
  });

  it('sizes the next lease to the pace of the last', async () => {
    const { client, calls, sut } = await limiterHoldingALease();

    for (let n = 1; n < MIN_LEASE_SIZE; n++) await sut.admit(client, 'add', RATE, `job:${n}`, String(n));
    void sut.admit(client, 'add', RATE, 'job:next', 'next');
    await flush();

    expect(calls.map((call) => call.lease)).toEqual([MIN_LEASE_SIZE, expect.any(Number)]);
    // 32 starts in well under the lease's 100 ms: the next asks for many times more.
    expect(calls[1].lease).toBeGreaterThan(4 * MIN_LEASE_SIZE);
  });

  it('lets the runs ask side by side when the last answer brought no lease, as near the limit', async () => {
    const { client, calls } = brokerAnswering();
    const sut = new RateLimiter('test');

    const first = sut.admit(client, 'add', { limit: 10, windowMs: 1_000 }, 'job:0', '0');
    await flush();
    calls[0].release([1, 1_000, 0]);
    await first;
    const together = [1, 2, 3].map((n) => Promise.resolve(sut.admit(client, 'add', { limit: 10, windowMs: 1_000 }, `job:${n}`, String(n))));
    await flush();

    expect(calls).toHaveLength(4);
    calls.slice(1).forEach((call) => call.release([0, 500]));
    await expect(Promise.all(together)).resolves.toEqual([1, 2, 3].map(() => ({ granted: false, waitMs: 500 })));
  });

  it('fails the run whose call failed, and the runs that waited for it ask for themselves', async () => {
    const { client, calls } = brokerAnswering();
    const sut = new RateLimiter('test');

    const asker = sut.admit(client, 'add', RATE, 'job:0', '0');
    const waiter = sut.admit(client, 'add', RATE, 'job:1', '1');
    await flush();
    calls[0].fail(new Error('connection lost'));
    await expect(asker).rejects.toThrow('connection lost');
    await flush();
    expect(calls).toHaveLength(2);
    calls[1].release([1, 2_000, MIN_LEASE_SIZE - 1]);

    await expect(waiter).resolves.toEqual({ granted: true, startedAt: 2_000 });
  });
});
