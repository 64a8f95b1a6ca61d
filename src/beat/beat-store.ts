import { once } from 'node:events';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppError } from '../common/app-error';
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

/** Longest wait for the queue Redis, as for the task producer's own calls. */
const COMMAND_TIMEOUT_MS = 5_000;

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
      // Commands wait for the connection in call(), within the timeout, not in a queue.
      enableOfflineQueue: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
    });
    this.ttlMs = config.queue.resultTtlMs;
  }

  /** True for the one caller that claims this tick of the entry first. */
  async claimTick(entry: string, tick: Date): Promise<boolean> {
    return (await this.call('claim a tick', () => this.redis.eval(CLAIM_TICK, 1, entry, tick.getTime(), this.ttlMs))) === 1;
  }

  lastTaskId(entry: string): Promise<string | null> {
    return this.call('read the last task', () => this.redis.hget(entry, 'task'));
  }

  async recordEnqueued(entry: string, taskId: string): Promise<void> {
    await this.call('record the task', () => this.redis.multi().hset(entry, 'task', taskId).pexpire(entry, this.ttlMs).exec());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** @throws AppError `TASK_BROKER_UNAVAILABLE` (503 over HTTP), as the task producer does. */
  private async call<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      if (this.redis.status !== 'ready') {
        await once(this.redis, 'ready', { signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS) });
      }
      return await command();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppError('TASK_BROKER_UNAVAILABLE', `The task broker (QUEUE_REDIS_URL) is unreachable: could not ${what} (${reason})`, 'unavailable');
    }
  }
}
