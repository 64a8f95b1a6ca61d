import { DiscoveryService } from '@nestjs/core';
import type { QueueName } from './queues';

/** One positional parameter of a task; a caller may also pass it by name in `kwargs`. */
export interface TaskParam {
  readonly name: string;
  readonly type: 'number' | 'integer' | 'string' | 'boolean' | 'object' | 'array' | 'any';
  /** @defaultValue true */
  readonly required?: boolean;
}

/** How a task is declared: everything about it in one place. */
export interface TaskOptions {
  /** The name callers use (`add`, `update_banner_list`): a stable constant, never a class name. */
  readonly name: string;
  /** The argument schema, checked when the task is enqueued. */
  readonly params: readonly TaskParam[];
  /** @defaultValue QUEUES.default */
  readonly queue?: QueueName;
  /** Runs in all, the first included. @defaultValue 3 */
  readonly attempts?: number;
  /** First retry delay; each next one doubles. @defaultValue 1000 */
  readonly backoffMs?: number;
  /** A run that takes longer fails (and is retried while attempts are left). @defaultValue 60000 */
  readonly timeoutMs?: number;
}

/** What a running task can see and report. */
export interface TaskContext {
  readonly id: string;
  /** 1 on the first run, 2 on the first retry… */
  readonly attempt: number;
  /** Reports progress (0–100); it shows in the task's status. */
  progress(percent: number): Promise<void>;
}

/** A task's handler: an injectable class marked with {@link Task}, discovered at start-up. */
export interface TaskHandler<TResult = unknown> {
  run(args: unknown[], context: TaskContext): Promise<TResult> | TResult;
}

/** Declares a task. The class must be a provider of some module and implement {@link TaskHandler}. */
export const Task = DiscoveryService.createDecorator<TaskOptions>();
