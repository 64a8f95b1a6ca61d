import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TaskBroker } from '../tasks/task-broker';

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
 * What the beats share in the queue Redis, through the {@link TaskBroker}:
 * per entry, one hash (`<QUEUE_PREFIX>:default:beat:<entry>`) with the last claimed tick and the
 * id of the last enqueued task. It expires with the task's result (`TASK_RESULT_TTL`), so an
 * entry removed from the schedule leaves nothing behind. A broker that is down fails every call
 * with `TASK_BROKER_UNAVAILABLE`, as the task producer does.
 */
@Injectable()
export class BeatStore {
  private readonly ttlMs: number;

  constructor(
    private readonly broker: TaskBroker,
    config: AppConfig,
  ) {
    this.ttlMs = config.queue.resultTtlMs;
  }

  /** True for the one caller that claims this tick of the entry first. */
  async claimTick(entry: string, tick: Date): Promise<boolean> {
    const claimed = await this.broker.call('claim a beat tick', (redis) =>
      redis.eval(CLAIM_TICK, 1, this.key(entry), tick.getTime(), this.ttlMs),
    );
    return claimed === 1;
  }

  lastTaskId(entry: string): Promise<string | null> {
    return this.broker.call('read the last beat task', (redis) => redis.hget(this.key(entry), 'task'));
  }

  async recordEnqueued(entry: string, taskId: string): Promise<void> {
    const key = this.key(entry);
    await this.broker.call('record the beat task', (redis) => redis.multi().hset(key, 'task', taskId).pexpire(key, this.ttlMs).exec());
  }

  private key(entry: string): string {
    return this.broker.key(`beat:${entry}`);
  }
}
