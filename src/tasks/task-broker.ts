import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { callBroker } from './runtime/broker-call';
import { type QueueName, QUEUES, TaskQueues } from './runtime/queues';

/**
 * The queue Redis (`QUEUE_REDIS_URL`) for what works beside the jobs: the beats' shared state,
 * the queue dashboard, a workflow's bookkeeping. Keys sit under a queue's own prefix, so they live
 * in the same Redis (and, on a cluster, the same slot) as its jobs. Commands go over the queue's
 * fail-fast connection (see TaskQueues): sent on a live connection or refused at once, never
 * replayed after a reconnection.
 */
@Injectable()
export class TaskBroker {
  constructor(
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
  ) {}

  /** `<QUEUE_PREFIX>:<queue>:<name>`: a key of one's own beside the queue's. */
  key(name: string, queue: QueueName = QUEUES.default): string {
    return this.queues.failFast(queue).toKey(name);
  }

  /**
   * Runs commands on the queue Redis, each step bounded by `QUEUE_TIMEOUT_MS`.
   * @param what what the commands do, for the error message (`claim a beat tick`).
   * @throws AppError TASK_BROKER_UNAVAILABLE or TASK_BROKER_FULL (503 over HTTP).
   */
  call<T>(what: string, command: (redis: Redis) => Promise<T>, queue: QueueName = QUEUES.default): Promise<T> {
    const { client } = this.queues.failFast(queue);
    return callBroker(client, this.config.queue.timeoutMs, what, () => command(client));
  }

  /** Every queue on its fail-fast connection, for a dashboard that lists, retries and removes jobs. */
  dashboardQueues(): Queue[] {
    return this.queues.allFailFast();
  }
}
