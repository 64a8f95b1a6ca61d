import { Task, type TaskHandler } from '../runtime/task.decorator';
import { FIB } from './seed.tasks';

/** The largest n whose Fibonacci number a double holds exactly (below 2^53). */
const MAX_N = 78;

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/**
 * `fib(n)`, isolated: a pool thread loads this file and builds the class itself, so it is no
 * provider and takes no dependencies. Past about n = 40 it outlasts the task's time limit, which
 * then terminates its thread.
 */
@Task(FIB)
export class FibTask implements TaskHandler<number> {
  run([n]: unknown[]): number {
    if ((n as number) < 0 || (n as number) > MAX_N) throw new RangeError(`fib takes n from 0 to ${MAX_N} (got ${String(n)})`);
    return fib(n as number);
  }
}
