import { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error';
import type { AppConfig } from '../config/app-config';
import { PrometheusMetrics } from '../metrics/prometheus-metrics';
import type { ResponseCachePolicy } from './cache-response.decorator';
import { type CacheStore, CacheUnavailableError } from './cache-store';
import { type CachedResponse, toCachedResponse } from './cached-response';
import { ResponseCacheService } from './response-cache.service';

/** The cache Redis as the service sees it: entries and locks in maps, with switchable failures. */
class FakeStore {
  readonly entries = new Map<string, CachedResponse>();
  readonly locks = new Map<string, string>();
  readonly writes: Array<{ key: string; ttlMs: number }> = [];
  down = false;

  /** This process's copy: filled by the test, never by a read. */
  readonly copies = new Map<string, CachedResponse>();

  async read(key: string) {
    this.failIfDown();
    return this.entries.get(key);
  }
  readCopy(key: string) {
    return this.copies.get(key);
  }
  async write(key: string, entry: CachedResponse, ttlMs: number) {
    this.failIfDown();
    this.entries.set(key, entry);
    this.writes.push({ key, ttlMs });
  }
  async remove(key: string) {
    this.failIfDown();
    this.entries.delete(key);
  }
  async tryLock(key: string) {
    this.failIfDown();
    if (this.locks.has(key)) return undefined;
    this.locks.set(key, 'token');
    return 'token';
  }
  async unlock(key: string, token: string) {
    if (this.locks.get(key) === token) this.locks.delete(key);
  }
  private failIfDown() {
    if (this.down) throw new CacheUnavailableError('down');
  }
}

const policy: ResponseCachePolicy = {
  key: 'banner_list',
  ttlMs: (config) => config.banner.cacheTtlMs,
  clientMaxAgeSeconds: () => 60,
};
const config = { banner: { cacheTtlMs: 86_400_000 } } as AppConfig;

describe('ResponseCacheService', () => {
  let store: FakeStore;
  let metrics: PrometheusMetrics;
  let sut: ResponseCacheService;
  let load: jest.Mock<Promise<unknown>, []>;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    store = new FakeStore();
    metrics = new PrometheusMetrics();
    sut = new ResponseCacheService(store as unknown as CacheStore, config, metrics);
    load = jest.fn(async () => [{ id: 1 }]);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('answers a hit from the store without loading', async () => {
    const cached = toCachedResponse(['cached']);
    store.entries.set('banner_list', cached);

    await expect(sut.getOrLoad(policy, load)).resolves.toEqual({ entry: cached, status: 'HIT' });
    expect(load).not.toHaveBeenCalled();
  });

  it('loads a miss, stores it with the policy TTL and releases the lock', async () => {
    const outcome = await sut.getOrLoad(policy, load);

    expect(outcome).toEqual({ entry: toCachedResponse([{ id: 1 }]), status: 'MISS' });
    expect(store.entries.get('banner_list')).toEqual(outcome.entry);
    expect(store.writes).toEqual([{ key: 'banner_list', ttlMs: 86_400_000 }]);
    expect(store.locks.size).toBe(0);
    await expect(sut.getOrLoad(policy, load)).resolves.toMatchObject({ status: 'HIT' });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads once for 100 concurrent cold calls', async () => {
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => sut.getOrLoad(policy, load)));

    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(outcomes.map((outcome) => outcome.entry.body)).size).toBe(1);
  });

  it('counts every caller in cache_results_total, also those that joined a shared lookup', async () => {
    await Promise.all(Array.from({ length: 5 }, () => sut.getOrLoad(policy, load)));
    await sut.getOrLoad(policy, load);

    const text = await metrics.scrape();
    expect(text).toContain('cache_results_total{key="banner_list",result="miss"} 5');
    expect(text).toContain('cache_results_total{key="banner_list",result="hit"} 1');
  });

  it("answers a hit on this process's copy at once and counts it, and nothing without a copy", async () => {
    const copy = toCachedResponse(['copied']);
    store.copies.set('banner_list', copy);

    const hit = sut.hitHere(policy);
    store.copies.clear();
    const none = sut.hitHere(policy);

    expect(hit).toEqual({ entry: copy, status: 'HIT' });
    expect(none).toBeUndefined();
    expect(await metrics.scrape()).toContain('cache_results_total{key="banner_list",result="hit"} 1');
  });

  it("waits for another process's load instead of loading, while that process holds the lock", async () => {
    store.locks.set('banner_list', 'theirs');
    const theirs = toCachedResponse(['from the other process']);

    const outcome = sut.getOrLoad(policy, load);
    store.entries.set('banner_list', theirs);

    await expect(outcome).resolves.toEqual({ entry: theirs, status: 'HIT' });
    expect(load).not.toHaveBeenCalled();
  });

  it('loads itself once the lock of a holder that never stores has expired', async () => {
    jest.useFakeTimers();
    store.locks.set('banner_list', 'theirs');

    const outcome = sut.getOrLoad(policy, load);
    await jest.advanceTimersByTimeAsync(3_100);

    await expect(outcome).resolves.toMatchObject({ status: 'MISS' });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reads again after taking the lock, in case the previous holder stored the entry meanwhile', async () => {
    const theirs = toCachedResponse(['stored just before our lock']);
    const read = jest.spyOn(store, 'read').mockResolvedValueOnce(undefined);
    store.entries.set('banner_list', theirs);

    await expect(sut.getOrLoad(policy, load)).resolves.toEqual({ entry: theirs, status: 'HIT' });
    expect(read).toHaveBeenCalledTimes(2);
    expect(load).not.toHaveBeenCalled();
  });

  it('bypasses the cache when it is unavailable, without trying to store', async () => {
    store.down = true;

    await expect(sut.getOrLoad(policy, load)).resolves.toMatchObject({ status: 'BYPASS' });
    expect(store.writes).toEqual([]);
  });

  it('bypasses the cache when it fails between the read and the lock', async () => {
    jest.spyOn(store, 'tryLock').mockRejectedValueOnce(new CacheUnavailableError('gone'));

    await expect(sut.getOrLoad(policy, load)).resolves.toMatchObject({ status: 'BYPASS' });
  });

  it('still answers a miss when storing it fails', async () => {
    jest.spyOn(store, 'write').mockRejectedValueOnce(new CacheUnavailableError('gone'));

    await expect(sut.getOrLoad(policy, load)).resolves.toMatchObject({ status: 'MISS' });
  });

  it('serves its last good copy as STALE when loading fails and the shared entry is gone', async () => {
    const first = await sut.getOrLoad(policy, load);
    store.entries.clear();
    load.mockRejectedValue(new AppError('DATABASE_UNAVAILABLE', 'down', 'unavailable'));

    await expect(sut.getOrLoad(policy, load)).resolves.toEqual({ entry: first.entry, status: 'STALE' });
    store.down = true;
    await expect(sut.getOrLoad(policy, load)).resolves.toEqual({ entry: first.entry, status: 'STALE' });
  });

  it('fails with the loader error when nothing was ever cached', async () => {
    load.mockRejectedValue(new AppError('DATABASE_UNAVAILABLE', 'down', 'unavailable'));

    await expect(sut.getOrLoad(policy, load)).rejects.toThrow(AppError);
    expect(store.locks.size).toBe(0);
  });

  it('overwrites the entry in place', async () => {
    store.entries.set('banner_list', toCachedResponse(['old']));

    await sut.overwrite(policy, ['new']);

    expect(store.entries.get('banner_list')).toEqual(toCachedResponse(['new']));
    expect(store.writes).toEqual([{ key: 'banner_list', ttlMs: 86_400_000 }]);
  });

  it('invalidates, so the next read loads', async () => {
    await sut.getOrLoad(policy, load);

    await sut.invalidate(policy);

    await expect(sut.getOrLoad(policy, load)).resolves.toMatchObject({ status: 'MISS' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['overwrite', () => sut.overwrite(policy, [])],
    ['invalidate', () => sut.invalidate(policy)],
  ])('reports CACHE_UNAVAILABLE when it cannot %s', async (_, call) => {
    store.down = true;

    await expect(call()).rejects.toMatchObject({ code: 'CACHE_UNAVAILABLE', kind: 'unavailable' });
  });
});
