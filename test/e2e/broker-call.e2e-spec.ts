import { once } from 'node:events';
import { Redis } from 'ioredis';
import { callBroker } from '../../src/tasks/runtime/broker-call';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

describe('callBroker (e2e, real Redis)', () => {
  let environment: TestEnvironment;
  let client: Redis;

  beforeAll(async () => {
    environment = createTestEnvironment();
    client = new Redis(environment.env.QUEUE_REDIS_URL);
    await once(client, 'ready');
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    client?.disconnect();
    await environment?.dispose();
  });

  it('sends the commands of one tick through the corked socket, uncorked once they are all written', async () => {
    const keys = [1, 2, 3].map((n) => `${environment.env.QUEUE_PREFIX}:broker-call:${n}`);
    const corks = jest.spyOn(client.stream, 'cork');
    const writes = jest.spyOn(client.stream, 'write');
    const uncorks = jest.spyOn(client.stream, 'uncork');

    await Promise.all(keys.map((key, n) => callBroker(client, 1_000, `set ${key}`, () => client.set(key, String(n)))));

    expect(corks).toHaveBeenCalledTimes(1);
    expect(writes).toHaveBeenCalledTimes(3);
    expect(uncorks).toHaveBeenCalledTimes(1);
    expect(uncorks.mock.invocationCallOrder[0]).toBeGreaterThan(Math.max(...writes.mock.invocationCallOrder));
    expect(await client.mget(keys)).toEqual(['0', '1', '2']);
  });

  it("takes a fresh process's first batch of 64 enqueues while it connects without a listener-leak warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const fresh = new Redis(environment.env.QUEUE_REDIS_URL);
    try {
      const key = (n: number) => `${environment.env.QUEUE_PREFIX}:broker-call:fresh:${n}`;
      const calls = Array.from({ length: 64 }, (_, n) => callBroker(fresh, 1_000, `set ${key(n)}`, () => fresh.set(key(n), String(n))));
      const readyListeners = fresh.listenerCount('ready');

      await expect(Promise.all(calls)).resolves.toHaveLength(64);
      // Node emits its warnings on the next tick.
      await new Promise(setImmediate);
      expect(fresh.status).toBe('ready');
      expect(readyListeners).toBe(1);
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
      expect(await fresh.get(key(63))).toBe('63');
    } finally {
      process.off('warning', onWarning);
      fresh.disconnect();
    }
  });
});
