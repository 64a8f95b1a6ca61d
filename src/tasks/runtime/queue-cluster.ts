import { Module } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { AppConfig, type RedisConnection } from '../../config/app-config';

/** The three connections a Bull queue asks for: commands, events, and blocking waits for jobs. */
export type BullClientType = 'client' | 'subscriber' | 'bclient';

/**
 * The queues' Redis Cluster connections (QUEUE_REDIS_CLUSTER=true), handed to Bull through its
 * `createClient`. Bull closes only the clients it created itself, so these are closed here, once
 * the queues are (see TaskQueues).
 */
export class QueueClusterClients {
  private readonly clients: Cluster[] = [];

  constructor(private readonly seed: RedisConnection) {}

  create(type: BullClientType): Cluster {
    const { host, port, username, password } = this.seed;
    // The subscriber and the blocking client wait indefinitely, so Bull refuses them with a ready
    // check or a retry limit; the command client keeps ioredis's defaults.
    const waits = type !== 'client';
    const client = new Cluster([{ host, port }], {
      enableReadyCheck: !waits,
      redisOptions: { username, password, ...(waits ? { enableReadyCheck: false, maxRetriesPerRequest: null } : {}) },
    });
    this.clients.push(client);
    return client;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.quit().then(undefined, () => client.disconnect())));
  }
}

/** Shares one {@link QueueClusterClients} between Bull's root options and the tasks module. */
@Module({
  providers: [
    {
      provide: QueueClusterClients,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new QueueClusterClients(config.queue.redis),
    },
  ],
  exports: [QueueClusterClients],
})
export class QueueClusterModule {}
