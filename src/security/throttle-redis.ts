import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

const CONNECT_TIMEOUT_MS = 2_000;

/**
 * The throttles' connection to the cache Redis. Their counters are a Lua script defined on an
 * ioredis client (ThrottleCounters), while the cache uses node-redis, hence a connection of its
 * own. Commands fail at once while it is disconnected (no offline queue) and after
 * CACHE_TIMEOUT_MS when Redis hangs, so a cache outage never holds a request: the throttles then
 * let it through.
 */
@Injectable()
export class ThrottleRedis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ThrottleRedis.name);
  readonly client: Redis;

  constructor(config: AppConfig) {
    const { host, port, db, username, password } = config.cache.redis;
    this.client = new Redis({
      host,
      port,
      db,
      username,
      password,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: config.cache.timeoutMs,
    });
    this.client.on('error', (error: Error) => this.logger.debug(`Cache Redis (throttles): ${error.message}`));
  }

  async onModuleInit(): Promise<void> {
    // Start anyway when Redis is down; ioredis goes on reconnecting.
    await this.client.connect().catch((error: Error) => this.logger.warn(`Throttles start without the cache Redis: ${error.message}`));
  }

  /** Closes at once: a counter write lost on the way out costs nothing, and QUIT could wait on a hung Redis. */
  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
