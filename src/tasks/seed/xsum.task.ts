import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../runtime/task.decorator';
import { XSUM } from './seed.tasks';

/** Celery's `xsum(numbers)`: the sum of a list of numbers, the body of its chord example. */
@Task(XSUM)
@Injectable()
export class XsumTask implements TaskHandler<number> {
  run([numbers]: unknown[]): number {
    const list = numbers as unknown[];
    const bad = list.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value));
    if (bad >= 0) throw new Error(`xsum takes numbers only: item ${bad} is ${JSON.stringify(list[bad])}`);
    return (list as number[]).reduce((sum, value) => sum + value, 0);
  }
}
