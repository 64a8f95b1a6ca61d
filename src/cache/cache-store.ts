import { Cache, CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import KeyvRedis from '@keyv/redis';
import { type DeserializedData, Keyv } from 'keyv';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { CacheInvalidations } from './cache-invalidations';
import { CacheRedis } from './cache-redis';
import { type CachedResponse, deserializeEntry, serializeEntry } from './cached-response';
import { withTimeout } from './with-timeout';

/** After a failed or timed-out call, the cache is skipped this long before it is tried again. */
const RETRY_AFTER_FAILURE_MS = 1_000;

/** Deletes the lock only if it is still ours: it may have expired and been taken by another process. */
const RELEASE_LOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** The cache Redis is down, hangs or was skipped after a recent failure. */
export class CacheUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheUnavailableError';
  }
}

/** The connection belongs to {@link CacheRedis}, which closes it last; cache-manager must not. */
class SharedConnectionKeyvRedis extends KeyvRedis<string> {
  override async disconnect(): Promise<void> {}
}

/**
 * The Keyv store that cache-manager writes through: Redis on the shared connection, keys
 * `<CACHE_KEY_PREFIX>:<key>`, entries in the format of {@link serializeEntry}. Errors are thrown,
 * not swallowed, so that a failing Redis is told apart from a missing entry.
 */
export function createRedisKeyv(redis: CacheRedis, keyPrefix: string): Keyv {
  const store = new SharedConnectionKeyvRedis(redis.client, { keyPrefixSeparator: ':', throwOnErrors: true });
  return new Keyv(store, {
    namespace: keyPrefix,
    useKeyPrefix: false,
    throwOnErrors: true,
    serialize: (data) => serializeEntry(data as Parameters<typeof serializeEntry>[0]),
    deserialize: <Value>(raw: string) => deserializeEntry(raw) as DeserializedData<Value> | undefined,
  });
}

/**
 * Every cache call the application makes, each bounded by `CACHE_TIMEOUT_MS` and failing with
 * {@link CacheUnavailableError} instead of waiting on a Redis that is down or hangs
 * (nestjs/cache-manager#797). Entries go through cache-manager; locks, which it has no command
 * for, go to the same connection directly.
 *
 * Reads are answered from this process's copy of the entry while it is fresh (see
 * {@link CacheInvalidations}), so that a hit costs no round trip to Redis; every write and delete
 * is announced to all processes once Redis has it.
 */
@Injectable()
export class CacheStore {
  private readonly timeoutMs: number;
  private readonly keyPrefix: string;
  private retryAt = 0;
  /** cache-manager reports a failed read as a miss plus a `get` event; counting those tells them apart. */
  private failedReads = 0;
  private lastReadError?: unknown;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly redis: CacheRedis,
    private readonly invalidations: CacheInvalidations,
    config: AppConfig,
  ) {
    // A store that silently became memory would make every process cache on its own
    // (nestjs/cache-manager#699): refuse to start instead.
    if (!cache.stores.some((keyv) => keyv.store instanceof KeyvRedis)) {
      throw new Error('The cache-manager store is not Redis');
    }
    this.timeoutMs = config.cache.timeoutMs;
    this.keyPrefix = config.cache.keyPrefix;
    cache.on('get', ({ error }) => {
      if (error === undefined) return;
      this.failedReads += 1;
      this.lastReadError = error;
    });
  }

  /** This process's fresh copy of the entry, which {@link read} answers with: no round trip, no promise. */
  readCopy(key: string): CachedResponse | undefined {
    return this.invalidations.copy.get(key);
  }

  /** The entry, or `undefined` when there is none. */
  read(key: string): Promise<CachedResponse | undefined> {
    const copy = this.readCopy(key);
    if (copy !== undefined) return Promise.resolve(copy);
    return this.guard(`GET ${key}`, async () => {
      const ticket = this.invalidations.copy.begin();
      const failuresBefore = this.failedReads;
      const entry = await this.cache.get<CachedResponse>(key);
      if (this.failedReads !== failuresBefore) throw this.lastReadError;
      if (entry !== undefined) this.invalidations.copy.keep(key, entry, ticket);
      return entry;
    });
  }

  /**
   * Overwrites the entry in one command, so readers see the old value until they see the new one,
   * then announces the change to every process.
   */
  async write(key: string, entry: CachedResponse, ttlMs: number): Promise<void> {
    await this.guard(`SET ${key}`, () => this.cache.set(key, entry, ttlMs));
    await this.announce(key);
  }

  /** Deletes the entry, then announces it to every process. */
  async remove(key: string): Promise<void> {
    await this.guard(`DEL ${key}`, () => this.cache.del(key));
    await this.announce(key);
  }

  /** Takes the lock of an entry; resolves to the token that releases it, or `undefined` when another holds it. */
  tryLock(key: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    return this.guard(`LOCK ${key}`, async () => {
      const reply = await this.redis.client.set(this.lockKey(key), token, { NX: true, PX: ttlMs });
      return reply === 'OK' ? token : undefined;
    });
  }

  async unlock(key: string, token: string): Promise<void> {
    await this.guard(`UNLOCK ${key}`, () => this.redis.client.eval(RELEASE_LOCK_SCRIPT, { keys: [this.lockKey(key)], arguments: [token] }));
  }

  /** This process drops its copy at once, the others when the message reaches them. */
  private async announce(key: string): Promise<void> {
    this.invalidations.copy.drop(key);
    await this.guard(`PUBLISH ${key}`, () => this.invalidations.announce(key));
  }

  private lockKey(key: string): string {
    return `${this.keyPrefix}:${key}:lock`;
  }

  private async guard<T>(what: string, call: () => Promise<T>): Promise<T> {
    if (!this.redis.client.isReady) throw new CacheUnavailableError('The cache Redis is not connected');
    if (Date.now() < this.retryAt) throw new CacheUnavailableError('The cache Redis failed a moment ago');
    try {
      return await withTimeout(call(), this.timeoutMs, `Cache ${what}`);
    } catch (error) {
      this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
      const cause = error instanceof Error ? error : new Error(String(error));
      this.redis.reportUnavailable(cause);
      throw new CacheUnavailableError(cause.message);
    }
  }
}
