import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/**
 * What the beat remembers between ticks and processes: the id of each entry's last enqueued task,
 * in the queue Redis. Each pointer expires with the task's result (`TASK_RESULT_TTL`), so an entry
 * removed from the schedule leaves nothing behind.
 */
@Injectable()
export class BeatStore implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly ttlMs: number;

  constructor(config: AppConfig) {
    const { host, port, db, username, password } = config.queue.redis;
    this.redis = new Redis({
      host,
      port,
      db,
      username,
      password,
      keyPrefix: `${config.queue.prefix}:beat:last:`,
      maxRetriesPerRequest: 2,
    });
    this.ttlMs = config.queue.resultTtlMs;
  }

  lastTaskId(entry: string): Promise<string | null> {
    return this.redis.get(entry);
  }

  async recordEnqueued(entry: string, taskId: string): Promise<void> {
    await this.redis.set(entry, taskId, 'PX', this.ttlMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit();
  }
}
