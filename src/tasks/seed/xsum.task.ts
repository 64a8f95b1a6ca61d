import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../task.decorator';

export const XSUM_TASK = 'xsum';

/** Celery's `xsum(numbers)`: the sum of a list of numbers, the body of its chord example. */
@Task({ name: XSUM_TASK, params: [{ name: 'numbers', type: 'array' }] })
@Injectable()
export class XsumTask implements TaskHandler<number> {
  run([numbers]: unknown[]): number {
    const list = numbers as unknown[];
    const bad = list.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value));
    if (bad >= 0) throw new Error(`xsum takes numbers only: item ${bad} is ${JSON.stringify(list[bad])}`);
    return (list as number[]).reduce((sum, value) => sum + value, 0);
  }
}
