import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createClient, type RedisClientType } from '@keyv/redis';
import { AppConfig } from '../config/app-config';
import { withTimeout } from './with-timeout';

const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * The connection to the cache Redis (`REDIS_URL`). It is not needed to start: the process boots
 * while it is down and the client keeps reconnecting in the background. With the offline queue
 * disabled, a command sent while disconnected fails at once instead of waiting for the server.
 */
@Injectable()
export class CacheRedis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CacheRedis.name);
  private lastErrorLoggedAt = 0;
  readonly client: RedisClientType;

  constructor(config: AppConfig) {
    this.client = createClient({
      url: config.cache.redis.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectStrategy: (attempts) => Math.min(attempts * 100, MAX_RECONNECT_DELAY_MS),
      },
    });
    this.client.on('error', (error: Error) => this.reportUnavailable(error));
  }

  async onModuleInit(): Promise<void> {
    const connecting = this.client.connect().then(() => undefined);
    connecting.catch((error: Error) => this.reportUnavailable(error));
    // Start anyway when Redis is down; the client goes on reconnecting.
    await withTimeout(connecting, CONNECT_TIMEOUT_MS, 'Connecting to the cache Redis').catch(() => undefined);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client.isOpen) return;
    if (this.client.isReady) await this.client.close();
    else this.client.destroy();
  }

  /**
   * Warns that the cache Redis failed, at most once per 30 s whatever the source (the connection
   * or a command that timed out), so an outage does not flood the log.
   */
  reportUnavailable(error: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLoggedAt < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLoggedAt = now;
    this.logger.warn(`Cache Redis unavailable: ${error.message}`);
  }
}
