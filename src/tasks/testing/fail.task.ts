import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../runtime/task.decorator';

export const FAIL_TASK = 'testing.fail';

/** Always fails with the given message: two runs, then FAILURE. */
@Task({ name: FAIL_TASK, params: [{ name: 'message', type: 'string' }], attempts: 2, backoffMs: 100, testOnly: true })
@Injectable()
export class FailTask implements TaskHandler<never> {
  run([message]: unknown[]): never {
    throw new Error(message as string);
  }
}
