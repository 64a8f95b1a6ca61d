import { type RetryRequest, TaskRetry } from './retry-backoff';
import type { TaskContext } from './task.decorator';
import type { TaskRun } from './time-limits';

/**
 * What a handler gets of its run (TaskContext), for a task run in the worker's own event loop.
 * A class, its getter and methods on the prototype: as an object literal with a getter and two
 * arrow functions, made once per task, it left the worker's young-generation collections more to
 * keep, 1.7 MB each against 1.3–1.5 MB at concurrency 16 (BENCHMARKS.md, Tasks).
 */
export class RunContext implements TaskContext {
  constructor(
    readonly id: string,
    readonly attempt: number,
    private readonly job: { progress(percent: number): Promise<void> },
    private readonly run: Pick<TaskRun, 'signal'>,
  ) {}

  /** Made when the handler first reads it (see TaskRun). */
  get signal(): AbortSignal {
    return this.run.signal;
  }

  progress(percent: number): Promise<void> {
    return this.job.progress(percent);
  }

  retry(request: RetryRequest): never {
    throw new TaskRetry(request);
  }
}
