import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../runtime/task.decorator';
import { ADD } from './seed.tasks';

/** The seed's `add(n, m)`: n + m (the seed also sleeps 10 s to look slow; this does not). */
@Task(ADD)
@Injectable()
export class AddTask implements TaskHandler<number> {
  run([n, m]: unknown[]): number {
    return (n as number) + (m as number);
  }
}
