import type { AppConfig } from '../config/app-config';
import { CacheRedis } from './cache-redis';

const configWith = (localTtlMs: number) =>
  ({ cache: { redis: { url: 'redis://127.0.0.1:6379/0' }, keyPrefix: 'app', timeoutMs: 200, localTtlMs } }) as AppConfig;

describe('CacheRedis', () => {
  it('has a subscriber connection for the invalidations while the local copy is on', () => {
    expect(new CacheRedis(configWith(1_000)).subscriber).toBeDefined();
  });

  it('opens no subscriber connection with CACHE_LOCAL_TTL_MS=0', () => {
    expect(new CacheRedis(configWith(0)).subscriber).toBeUndefined();
  });
});
