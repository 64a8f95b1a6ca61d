import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../runtime/task.decorator';

export const SLEEP_TASK = 'testing.sleep';

/**
 * Takes `ms` milliseconds, then returns `value`: a task that is still running when the fault suite
 * kills or stops its worker, and whose result says which request enqueued it.
 */
@Task({
  name: SLEEP_TASK,
  params: [
    { name: 'ms', type: 'integer' },
    { name: 'value', type: 'any' },
  ],
  testOnly: true,
})
@Injectable()
export class SleepTask implements TaskHandler<unknown> {
  async run([ms, value]: unknown[]): Promise<unknown> {
    await sleep(ms as number);
    return value;
  }
}
