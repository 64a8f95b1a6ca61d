import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { QUEUES, TaskQueues } from '../queues';
import { Task, type TaskHandler } from '../task.decorator';

export const RECORD_TASK = 'testing.record';

/** The Redis keys of a record list, under the queue's keys: `<QUEUE_PREFIX>:default:testing:<list>:…`. */
export function recordKeys(queuePrefix: string, list: string) {
  const base = `${queuePrefix}:${QUEUES.default}:testing:${list}`;
  return {
    /** A list with the pid of every worker that started a run. */
    started: `${base}:started`,
    /** A list with the JSON value of every run that finished. */
    values: `${base}:values`,
  };
}

/**
 * Records its runs and passes its value on, so that a test sees how often each step of a workflow
 * ran, with what input, while workers are killed: it records its worker, waits `ms` (a run to kill),
 * then records the value and returns it. A run killed while waiting records no value.
 */
@Task({
  name: RECORD_TASK,
  params: [
    { name: 'value', type: 'any' },
    { name: 'list', type: 'string' },
    { name: 'ms', type: 'integer', required: false },
  ],
  attempts: 1,
  testOnly: true,
})
@Injectable()
export class RecordTask implements TaskHandler<unknown> {
  private readonly queue: Queue;
  private readonly prefix: string;

  constructor(queues: TaskQueues, config: AppConfig) {
    this.queue = queues.get(QUEUES.default);
    this.prefix = config.queue.prefix;
  }

  async run([value, list, ms]: unknown[]): Promise<unknown> {
    const keys = recordKeys(this.prefix, list as string);
    await this.queue.client.rpush(keys.started, process.pid);
    if (ms !== undefined) await sleep(ms as number);
    await this.queue.client.rpush(keys.values, JSON.stringify(value));
    return value;
  }
}
