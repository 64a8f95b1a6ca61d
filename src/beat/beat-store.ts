import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/**
 * Moves an entry's claimed tick forward and says whether this call did it: of several beats
 * firing the same tick, exactly one wins, and a beat that fires an older tick late loses.
 */
const CLAIM_TICK = `
local last = tonumber(redis.call('HGET', KEYS[1], 'tick') or '-1')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('HSET', KEYS[1], 'tick', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * What the beats share in the queue Redis: per entry, one hash with the last claimed tick and the
 * id of the last enqueued task. It expires with the task's result (`TASK_RESULT_TTL`), so an entry
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
      keyPrefix: `${config.queue.prefix}:beat:`,
      maxRetriesPerRequest: 2,
    });
    this.ttlMs = config.queue.resultTtlMs;
  }

  /** True for the one caller that claims this tick of the entry first. */
  async claimTick(entry: string, tick: Date): Promise<boolean> {
    return (await this.redis.eval(CLAIM_TICK, 1, entry, tick.getTime(), this.ttlMs)) === 1;
  }

  async lastTaskId(entry: string): Promise<string | null> {
    return this.redis.hget(entry, 'task');
  }

  async recordEnqueued(entry: string, taskId: string): Promise<void> {
    await this.redis.multi().hset(entry, 'task', taskId).pexpire(entry, this.ttlMs).exec();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit();
  }
}
