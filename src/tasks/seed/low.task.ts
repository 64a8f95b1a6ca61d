import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../runtime/task.decorator';

export const LOW_TASK = 'low';

/** The seed's `low(n, m)`: n − m. */
@Task({
  name: LOW_TASK,
  params: [
    { name: 'n', type: 'number' },
    { name: 'm', type: 'number' },
  ],
})
@Injectable()
export class LowTask implements TaskHandler<number> {
  run([n, m]: unknown[]): number {
    return (n as number) - (m as number);
  }
}
