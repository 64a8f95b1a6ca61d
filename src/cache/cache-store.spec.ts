import type { Cache } from '@nestjs/cache-manager';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import type { AppConfig } from '../config/app-config';
import type { MetricsService } from '../metrics/metrics.service';
import { CacheInvalidations } from './cache-invalidations';
import type { CacheRedis } from './cache-redis';
import { CacheStore, CacheUnavailableError, createRedisKeyv } from './cache-store';
import { toCachedResponse } from './cached-response';

const TIMEOUT_MS = 20;
const LOCAL_TTL_MS = 1_000;
const config = { cache: { keyPrefix: 'app', timeoutMs: TIMEOUT_MS, localTtlMs: LOCAL_TTL_MS } } as AppConfig;

/** The node-redis client as the stack below cache-manager uses it; each test scripts its replies. */
function stubClient() {
  return {
    isOpen: true,
    isReady: true,
    connect: jest.fn(),
    on: jest.fn(),
    get: jest.fn<Promise<string | null>, [string]>(async () => null),
    set: jest.fn<Promise<string | null>, [string, string, object?]>(async () => 'OK'),
    unlink: jest.fn(async () => 1),
    del: jest.fn(async () => 1),
    eval: jest.fn(async () => 1),
    publish: jest.fn(async () => 1),
  };
}

describe('CacheStore', () => {
  let client: ReturnType<typeof stubClient>;
  let reported: Error[];
  let invalidations: CacheInvalidations;
  let sut: CacheStore;

  beforeEach(() => {
    client = stubClient();
    reported = [];
    const redis = { client, reportUnavailable: (error: Error) => reported.push(error) } as unknown as CacheRedis;
    const cache = createCache({ stores: [createRedisKeyv(redis, config.cache.keyPrefix)] }) as unknown as Cache;
    invalidations = new CacheInvalidations(redis, { localCacheCopy: () => undefined } as unknown as MetricsService, config);
    sut = new CacheStore(cache, redis, invalidations, config);
  });

  it('refuses to start on a store that is not Redis, rather than caching in memory', () => {
    const memory = createCache({ stores: [new Keyv()] }) as unknown as Cache;

    expect(() => new CacheStore(memory, {} as CacheRedis, invalidations, config)).toThrow('The cache-manager store is not Redis');
  });

  it('writes an entry under the key prefix, in the entry format, with the TTL in milliseconds', async () => {
    const entry = toCachedResponse([{ id: 1 }]);

    await sut.write('banner_list', entry, 60_000);

    const [key, value, options] = client.set.mock.calls[0];
    const [meta, body] = value.split('\n');
    expect(key).toBe('app:banner_list');
    expect(JSON.parse(meta)).toEqual({ etag: entry.etag, expires: expect.any(Number) as number });
    expect(body).toBe(entry.body);
    expect(options).toEqual({ PX: 60_000 });
  });

  it('reads back what it wrote, and a missing key as undefined', async () => {
    const entry = toCachedResponse(['x']);
    await sut.write('banner_list', entry, 60_000);
    client.get.mockResolvedValueOnce(client.set.mock.calls[0][1]);

    await expect(sut.read('banner_list')).resolves.toEqual(entry);
    await expect(sut.read('banner_list')).resolves.toBeUndefined();
  });

  it('tells a failing read from a miss, although cache-manager reports both as undefined', async () => {
    client.get.mockRejectedValueOnce(new Error('READONLY'));

    await expect(sut.read('banner_list')).rejects.toThrow(CacheUnavailableError);
    expect(reported.map((error) => error.message)).toEqual(['READONLY']);
  });

  it('gives up on a call that takes longer than CACHE_TIMEOUT_MS', async () => {
    client.get.mockReturnValueOnce(new Promise(() => undefined));

    await expect(sut.read('banner_list')).rejects.toThrow(`Cache GET banner_list took longer than ${TIMEOUT_MS} ms`);
  });

  it('skips Redis for a moment after a failure, then tries it again', async () => {
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout'] });
    try {
      client.get.mockRejectedValueOnce(new Error('down'));
      await expect(sut.read('banner_list')).rejects.toThrow(CacheUnavailableError);

      await expect(sut.read('banner_list')).rejects.toThrow('failed a moment ago');
      expect(client.get).toHaveBeenCalledTimes(1);

      jest.advanceTimersByTime(1_000);
      await expect(sut.read('banner_list')).resolves.toBeUndefined();
      expect(client.get).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not call Redis while the client is not connected', async () => {
    client.isReady = false;

    await expect(sut.write('banner_list', toCachedResponse([]), 1)).rejects.toThrow('The cache Redis is not connected');
    expect(client.set).not.toHaveBeenCalled();
  });

  it('takes a lock with SET NX PX and a fresh token, and reports a lock held by another', async () => {
    const token = await sut.tryLock('banner_list', 3_000);

    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.set).toHaveBeenCalledWith('app:banner_list:lock', token, { NX: true, PX: 3_000 });

    client.set.mockResolvedValueOnce(null);
    await expect(sut.tryLock('banner_list', 3_000)).resolves.toBeUndefined();
  });

  it('releases a lock only with its token, in one script', async () => {
    await sut.unlock('banner_list', 'token-1');

    expect(client.eval).toHaveBeenCalledWith(expect.stringContaining("redis.call('GET', KEYS[1]) == ARGV[1]"), {
      keys: ['app:banner_list:lock'],
      arguments: ['token-1'],
    });
  });

  describe('with the local copy enabled (invalidations reach the process)', () => {
    const stored = async (entry = toCachedResponse(['x'])) => {
      await sut.write('banner_list', entry, 60_000);
      return client.set.mock.calls[client.set.mock.calls.length - 1][1];
    };

    beforeEach(() => invalidations.copy.enable());

    it('answers a second read from the copy, without Redis', async () => {
      const entry = toCachedResponse(['x']);
      client.get.mockResolvedValue(await stored(entry));

      await expect(sut.read('banner_list')).resolves.toEqual(entry);
      await expect(sut.read('banner_list')).resolves.toEqual(entry);

      expect(client.get).toHaveBeenCalledTimes(1);
    });

    it('announces every write and delete on <prefix>:invalidations once Redis has it, and drops its own copy', async () => {
      client.get.mockResolvedValue(await stored());
      await sut.read('banner_list');

      await sut.remove('banner_list');
      await sut.read('banner_list');

      expect(client.publish.mock.calls).toEqual([
        ['app:invalidations', 'banner_list'],
        ['app:invalidations', 'banner_list'],
      ]);
      expect(client.get).toHaveBeenCalledTimes(2);
    });

    it('fails a write whose announcement Redis refuses, so that the writer tries again', async () => {
      client.publish.mockRejectedValueOnce(new Error('READONLY'));

      await expect(sut.write('banner_list', toCachedResponse([]), 60_000)).rejects.toThrow(CacheUnavailableError);
    });

    it('drops the copy when another process announces a change', async () => {
      client.get.mockResolvedValue(await stored());
      await sut.read('banner_list');

      invalidations.copy.drop('banner_list');
      await sut.read('banner_list');

      expect(client.get).toHaveBeenCalledTimes(2);
    });

    it('does not keep what a read got when an invalidation arrived while it was on the wire', async () => {
      const raw = await stored();
      let answer!: (value: string) => void;
      client.get.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
      const reading = sut.read('banner_list');

      invalidations.copy.drop('banner_list');
      answer(raw);
      await reading;
      client.get.mockResolvedValueOnce(null);

      await expect(sut.read('banner_list')).resolves.toBeUndefined();
    });

    it('keeps no copy while disabled (the subscription is lost)', async () => {
      client.get.mockResolvedValue(await stored());
      await sut.read('banner_list');

      invalidations.copy.disable();
      await sut.read('banner_list');
      await sut.read('banner_list');

      expect(client.get).toHaveBeenCalledTimes(3);
    });
  });
});
