import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../runtime/task.decorator';
import { LOW } from './seed.tasks';

/** The seed's `low(n, m)`: n − m. */
@Task(LOW)
@Injectable()
export class LowTask implements TaskHandler<number> {
  run([n, m]: unknown[]): number {
    return (n as number) - (m as number);
  }
}
