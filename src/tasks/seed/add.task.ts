import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../runtime/task.decorator';

export const ADD_TASK = 'add';

/** The seed's `add(n, m)`: n + m (the seed also sleeps 10 s to look slow; this does not). */
@Task({
  name: ADD_TASK,
  params: [
    { name: 'n', type: 'number' },
    { name: 'm', type: 'number' },
  ],
})
@Injectable()
export class AddTask implements TaskHandler<number> {
  run([n, m]: unknown[]): number {
    return (n as number) + (m as number);
  }
}
