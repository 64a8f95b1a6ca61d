import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Cluster, Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { type QueueName, TaskQueues } from './queues';
import type { TaskRun } from './time-limits';
import { WORKER_QUEUES } from './worker-queues';

/**
 * Where a terminate is announced, per queue: the id of the task, to whichever worker runs it
 * (`DELETE /api/admin/tasks/:id?terminate=true`, Celery's `revoke(terminate=True)`).
 */
export function terminateChannel(queue: Queue): string {
  return queue.toKey('terminate');
}

/**
 * The tasks asked to terminate and not yet ended, per queue (id → when asked): what a worker that
 * starts later, or takes the job back after a crash, reads at start-up.
 */
export function terminatingKey(queue: Queue): string {
  return queue.toKey('terminating');
}

/**
 * The worker's side of a terminate: it keeps the runs in hand by task id, listens on the queues'
 * terminate channels, and aborts the run asked for. A request is also remembered (from the
 * `terminating` set, read at start-up, then from the channel), so that a job whose terminate came
 * before its run began, or before this worker started, ends at once when it runs here: no round
 * trip per job.
 */
@Injectable()
export class TaskTerminations implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TaskTerminations.name);
  private readonly runs = new Map<string, TaskRun>();
  /** Task id → when its terminate was asked (ms since the epoch). */
  private readonly requested = new Map<string, number>();
  private subscriber?: Redis | Cluster;
  private readonly keepMs: number;

  constructor(
    private readonly queues: TaskQueues,
    @Inject(WORKER_QUEUES) private readonly consumed: readonly QueueName[],
    config: AppConfig,
  ) {
    this.keepMs = config.queue.resultTtlMs;
  }

  /** Before the processor takes its first job: listens first, then reads what was asked before. */
  async onModuleInit(): Promise<void> {
    const queues = this.consumed.map((name) => this.queues.get(name));
    const subscriber = queues[0].client.duplicate();
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, id: string) => this.requestedNow(id, Date.now()));
    subscriber.on('error', (error: Error) => this.logger.warn({ err: error }, 'The terminate channel failed; it reconnects'));
    await subscriber.subscribe(...queues.map(terminateChannel));
    for (const queue of queues) {
      const key = terminatingKey(queue);
      await queue.client.zremrangebyscore(key, '-inf', Date.now() - this.keepMs);
      const entries = await queue.client.zrange(key, 0, -1, 'WITHSCORES');
      for (let index = 0; index < entries.length; index += 2) this.requestedNow(entries[index], Number(entries[index + 1]));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** A run begins: it is terminated at once when that was asked already. */
  begin(id: string, run: TaskRun): void {
    this.runs.set(id, run);
    if (this.requested.has(id)) run.terminate();
  }

  /** The run is over (whatever its outcome). */
  end(id: string): void {
    this.runs.delete(id);
  }

  /** The run ended REVOKED: its request is settled, here and for every worker that starts later. */
  async settled(queue: Queue, id: string): Promise<void> {
    this.requested.delete(id);
    await queue.client.zrem(terminatingKey(queue), id);
  }

  private requestedNow(id: string, at: number): void {
    const now = Date.now();
    // Requests whose task ended on another worker are never settled here: they age out.
    for (const [known, when] of this.requested) if (now - when > this.keepMs) this.requested.delete(known);
    this.requested.set(id, at);
    const run = this.runs.get(id);
    if (run) {
      this.logger.log({ taskId: id }, 'Terminating the task, as asked');
      run.terminate();
    }
  }
}
