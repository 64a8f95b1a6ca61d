import { Injectable } from '@nestjs/common';
import { Task, type TaskContext, type TaskHandler } from '../runtime/task.decorator';

export const FLAKY_TASK = 'testing.flaky';

/**
 * Fails its first `failures` runs, then returns the number of the run that succeeded. The one
 * second backoff (then two) keeps the task in RETRY long enough for a test to see it.
 */
@Task({ name: FLAKY_TASK, params: [{ name: 'failures', type: 'integer' }], attempts: 3, backoffMs: 1_000, testOnly: true })
@Injectable()
export class FlakyTask implements TaskHandler<number> {
  run([failures]: unknown[], { attempt }: TaskContext): number {
    if (attempt <= (failures as number)) throw new Error(`Flaky failure ${attempt} of ${failures}`);
    return attempt;
  }
}
