import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { CacheRedis } from './cache-redis';
import type { CachedResponse } from './cached-response';
import { LocalCopy } from './local-copy';

/**
 * Keeps this process's {@link LocalCopy} coherent with the other processes: every write of an
 * entry is announced on the Redis channel `<CACHE_KEY_PREFIX>:invalidations` (the message is the
 * entry's key), and every process drops its copy when the message arrives. The copy is enabled
 * only while the subscription stands: from the moment the subscriber connection fails until it is
 * subscribed again, every read goes to Redis. What no message announces (a `DEL` in redis-cli, a
 * message lost with a connection that died silently) is seen within `CACHE_LOCAL_TTL_MS`.
 */
@Injectable()
export class CacheInvalidations implements OnModuleInit {
  readonly copy: LocalCopy<CachedResponse>;
  readonly channel: string;
  private subscribing?: Promise<unknown>;

  constructor(
    private readonly redis: CacheRedis,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    this.copy = new LocalCopy(config.cache.localTtlMs);
    this.channel = `${config.cache.keyPrefix}:invalidations`;
    const subscriber = redis.subscriber;
    if (!subscriber) return;
    // node-redis subscribes again by itself on every reconnection, before it reports `ready`.
    subscriber.on('ready', () => void this.listen());
    for (const lost of ['error', 'end', 'reconnecting']) subscriber.on(lost, () => this.setEnabled(false));
  }

  /** Once the cache Redis answers at start-up, the process is ready with its copy enabled. */
  async onModuleInit(): Promise<void> {
    if (this.redis.subscriber?.isReady) await this.listen();
  }

  /** The command that announces a write of `key` to every process, this one included. */
  announce(key: string): Promise<number> {
    return this.redis.client.publish(this.channel, key);
  }

  private async listen(): Promise<void> {
    const subscriber = this.redis.subscriber!;
    this.subscribing ??= subscriber.subscribe(this.channel, (key) => this.copy.drop(key));
    try {
      await this.subscribing;
      // The connection may have failed again while the subscription was on the wire.
      this.setEnabled(subscriber.isReady);
    } catch (error) {
      this.subscribing = undefined;
      this.redis.reportUnavailable(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private setEnabled(enabled: boolean): void {
    if (enabled) this.copy.enable();
    else this.copy.disable();
    this.metrics.localCacheCopy(enabled);
  }
}
