import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { type CacheResult, MetricsService } from '../metrics/metrics.service';
import type { ResponseCachePolicy } from './cache-response.decorator';
import { CacheStore, CacheUnavailableError } from './cache-store';
import { type CachedResponse, toCachedResponse } from './cached-response';
import { SingleFlight } from './single-flight';

/**
 * Where an answer came from, sent as `X-Cache`: `HIT` the shared entry, `MISS` a fresh load that
 * was stored, `BYPASS` a fresh load while the cache Redis is unavailable, `STALE` this process's
 * last good copy because the load failed and the shared entry could not be had.
 */
export type CacheStatus = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

export interface CacheOutcome {
  readonly entry: CachedResponse;
  readonly status: CacheStatus;
}

/**
 * A loader is run under a cross-process lock with this lifetime; if its holder dies, the others
 * wait at most this long before loading themselves.
 */
const LOCK_TTL_MS = 3_000;
/** How often a process that waits for another's load looks for the new entry. */
const WAIT_POLL_MS = 25;
/** An outage makes every request stale; one warning per this period is enough. */
const STALE_WARNING_INTERVAL_MS = 30_000;

/**
 * The response cache: the one service that reads and writes cached responses, used by
 * {@link HttpCacheInterceptor} and by whatever refreshes an entry ahead of time (a task, an admin
 * action), so they all share one entry per policy.
 *
 * Reads are stampede-proof: concurrent callers in a process share one lookup, and on a miss one
 * process loads under a short Redis lock while the others wait for its entry. Every failure of
 * the cache Redis fails open to the loader.
 */
@Injectable()
export class ResponseCacheService {
  private readonly logger = new Logger(ResponseCacheService.name);
  private readonly flights = new SingleFlight<CacheOutcome>();
  /** One entry per policy key, kept only to answer when the loader and the shared entry both fail. */
  private readonly lastGood = new Map<string, CachedResponse>();
  private lastStaleWarningAt = 0;

  constructor(
    private readonly store: CacheStore,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * The cached response for the policy, loading and storing it on a miss.
   * @throws whatever `load` throws when nothing cached can stand in for it.
   */
  async getOrLoad(policy: ResponseCachePolicy, load: () => Promise<unknown>): Promise<CacheOutcome> {
    const outcome = await this.flights.run(policy.key, async () => {
      const shared = await this.lookup(policy, load);
      if (shared.status !== 'STALE') this.lastGood.set(policy.key, shared.entry);
      return shared;
    });
    // Counted per caller, so that callers who joined another's lookup are counted too.
    this.metrics.cacheResult(policy.key, outcome.status.toLowerCase() as CacheResult);
    return outcome;
  }

  /**
   * The entry from this process's copy, counted as a hit as {@link getOrLoad} counts it, or
   * `undefined` when there is no fresh copy and a lookup must be made. It answers at once: a hit
   * on a hot route then costs no promise.
   */
  hitHere(policy: ResponseCachePolicy): CacheOutcome | undefined {
    const entry = this.store.readCopy(policy.key);
    if (entry === undefined) return undefined;
    this.metrics.cacheResult(policy.key, 'hit');
    return { entry, status: 'HIT' };
  }

  /**
   * Overwrites the entry with a freshly computed value. Readers keep getting the previous value
   * until the write lands: there is no window in which the entry is missing.
   * @throws AppError CACHE_UNAVAILABLE when the cache Redis cannot take it.
   */
  async overwrite(policy: ResponseCachePolicy, value: unknown): Promise<void> {
    const entry = toCachedResponse(value);
    await this.orUnavailable(() => this.store.write(policy.key, entry, policy.ttlMs(this.config)));
    this.lastGood.set(policy.key, entry);
  }

  /**
   * Deletes the entry, so that the next read is a miss.
   * @throws AppError CACHE_UNAVAILABLE when the cache Redis cannot be reached.
   */
  async invalidate(policy: ResponseCachePolicy): Promise<void> {
    await this.orUnavailable(() => this.store.remove(policy.key));
    this.lastGood.delete(policy.key);
  }

  private async lookup(policy: ResponseCachePolicy, load: () => Promise<unknown>): Promise<CacheOutcome> {
    let cached: CachedResponse | undefined;
    try {
      cached = await this.store.read(policy.key);
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error;
      return this.loadOrStale(policy.key, load, 'BYPASS');
    }
    return cached ? { entry: cached, status: 'HIT' } : this.loadOnce(policy, load);
  }

  /** On a miss, only the process holding the entry's lock loads it; the others wait for its result. */
  private async loadOnce(policy: ResponseCachePolicy, load: () => Promise<unknown>): Promise<CacheOutcome> {
    let token: string | undefined;
    try {
      token = await this.store.tryLock(policy.key, LOCK_TTL_MS);
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error;
      return this.loadOrStale(policy.key, load, 'BYPASS');
    }
    if (token === undefined) {
      const filled = await this.waitForEntry(policy.key);
      return filled ? { entry: filled, status: 'HIT' } : this.loadAndStore(policy, load);
    }
    try {
      // The previous holder may have stored the entry between our miss and our lock.
      const filled = await this.readOrNothing(policy.key);
      return filled ? { entry: filled, status: 'HIT' } : await this.loadAndStore(policy, load);
    } finally {
      await this.store.unlock(policy.key, token).catch(() => undefined);
    }
  }

  private async loadAndStore(policy: ResponseCachePolicy, load: () => Promise<unknown>): Promise<CacheOutcome> {
    const outcome = await this.loadOrStale(policy.key, load, 'MISS');
    if (outcome.status === 'MISS') {
      // Answering matters more than caching: a failed write is logged by the store and skipped.
      await this.store.write(policy.key, outcome.entry, policy.ttlMs(this.config)).catch(() => undefined);
    }
    return outcome;
  }

  private async loadOrStale(key: string, load: () => Promise<unknown>, status: CacheStatus): Promise<CacheOutcome> {
    try {
      return { entry: toCachedResponse(await load()), status };
    } catch (error) {
      const stale = this.lastGood.get(key);
      if (!stale) throw error;
      if (Date.now() - this.lastStaleWarningAt >= STALE_WARNING_INTERVAL_MS) {
        this.lastStaleWarningAt = Date.now();
        this.logger.warn(`Serving a stale "${key}": loading it failed (${error instanceof Error ? error.message : String(error)})`);
      }
      return { entry: stale, status: 'STALE' };
    }
  }

  /** Polls until another process has stored the entry, its lock has expired, or the cache fails. */
  private async waitForEntry(key: string): Promise<CachedResponse | undefined> {
    const deadline = Date.now() + LOCK_TTL_MS;
    while (Date.now() < deadline) {
      await sleep(WAIT_POLL_MS);
      try {
        const entry = await this.store.read(key);
        if (entry) return entry;
      } catch (error) {
        if (error instanceof CacheUnavailableError) return undefined;
        throw error;
      }
    }
    return undefined;
  }

  private async readOrNothing(key: string): Promise<CachedResponse | undefined> {
    try {
      return await this.store.read(key);
    } catch (error) {
      if (error instanceof CacheUnavailableError) return undefined;
      throw error;
    }
  }

  private async orUnavailable(call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error;
      throw new AppError('CACHE_UNAVAILABLE', `The cache is unavailable: ${error.message}`, 'unavailable');
    }
  }
}
