import { Injectable, Logger } from '@nestjs/common';
import { Task, type TaskHandler } from '../runtime/task.decorator';
import { TEST_TASK } from './seed.tasks';

/** The seed's fixed result, kept in the original: "this content is the task's result". */
export const TEST_TASK_RESULT = '该内容就是任务结果';

/** The seed's `test_task(data)`: logs the argument and returns a fixed string. */
@Task(TEST_TASK)
@Injectable()
export class TestTask implements TaskHandler<string> {
  private readonly logger = new Logger(TestTask.name);

  run([data]: unknown[]): string {
    this.logger.log({ data }, 'test_task ran');
    return TEST_TASK_RESULT;
  }
}
