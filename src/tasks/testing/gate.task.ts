import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { QUEUES, TaskQueues } from '../runtime/queues';
import { Task, type TaskContext, type TaskHandler } from '../runtime/task.decorator';

export const GATE_TASK = 'testing.gate';

/** How often a held task looks at its gate. */
const GATE_POLL_MS = 50;

/** The Redis keys of a gate, under the queue's keys: `<QUEUE_PREFIX>:default:testing:<gate>:…`. */
export function gateKeys(queuePrefix: string, gate: string) {
  const base = `${queuePrefix}:${QUEUES.default}:testing:${gate}`;
  return {
    /** Set it to let the held runs finish. */
    open: `${base}:open`,
    /** A list with the pid of every worker that started a run. */
    started: `${base}:started`,
    /** A list with the pid of every worker that finished a run. */
    finished: `${base}:finished`,
  };
}

/**
 * Holds on until a test opens its gate, so that the test decides when a run ends: it records the
 * worker that started it, reports 50 % progress, waits for the gate, records the worker that
 * finished it and returns that worker's pid. A gate opened beforehand makes it a plain recorder.
 */
@Task({ name: GATE_TASK, params: [{ name: 'gate', type: 'string' }], attempts: 1, testOnly: true })
@Injectable()
export class GateTask implements TaskHandler<number> {
  private readonly queue: Queue;
  private readonly prefix: string;

  constructor(queues: TaskQueues, config: AppConfig) {
    this.queue = queues.get(QUEUES.default);
    this.prefix = config.queue.prefix;
  }

  async run([gate]: unknown[], context: TaskContext): Promise<number> {
    const keys = gateKeys(this.prefix, gate as string);
    await this.queue.client.rpush(keys.started, process.pid);
    await context.progress(50);
    while (!(await this.queue.client.exists(keys.open))) await sleep(GATE_POLL_MS);
    await this.queue.client.rpush(keys.finished, process.pid);
    await context.progress(100);
    return process.pid;
  }
}
