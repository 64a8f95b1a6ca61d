import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createClient, type RedisClientType } from '@keyv/redis';
import { AppConfig } from '../config/app-config';
import { withTimeout } from './with-timeout';

const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * The connections to the cache Redis (`REDIS_URL`): `client` for every command, and `subscriber`
 * for the invalidations of the local copy (a subscribed connection takes no other command), which
 * exists only when `CACHE_LOCAL_TTL_MS` is above 0. Redis is not needed to start: the process boots
 * while it is down and the clients keep reconnecting in the background. With the offline queue
 * disabled, a command sent while disconnected fails at once instead of waiting for the server.
 */
@Injectable()
export class CacheRedis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CacheRedis.name);
  private lastErrorLoggedAt = 0;
  readonly client: RedisClientType;
  readonly subscriber?: RedisClientType;

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
    if (config.cache.localTtlMs > 0) {
      // Named, so that an operator can tell it apart in CLIENT LIST.
      this.subscriber = this.client.duplicate({ name: `${config.cache.keyPrefix}:invalidations` });
      this.subscriber.on('error', (error: Error) => this.reportUnavailable(error));
    }
  }

  async onModuleInit(): Promise<void> {
    const clients = [this.client, this.subscriber].flatMap((client) => (client ? [client] : []));
    const connecting = Promise.all(clients.map((client) => client.connect())).then(() => undefined);
    connecting.catch((error: Error) => this.reportUnavailable(error));
    // Start anyway when Redis is down; the clients go on reconnecting.
    await withTimeout(connecting, CONNECT_TIMEOUT_MS, 'Connecting to the cache Redis').catch(() => undefined);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.client, this.subscriber].map(async (client) => {
        if (!client?.isOpen) return;
        if (client.isReady) await client.close();
        else client.destroy();
      }),
    );
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
