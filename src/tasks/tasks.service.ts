import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import type { EnqueuedTask } from './dto/enqueued-task.response';
import type { TaskStatus } from './dto/task-status.response';
import { TaskQueues } from './queues';
import { bindArguments, type TaskKwargs } from './task-arguments';
import { resolveTiming, type TaskTiming } from './task-schedule';
import { type TaskState, toTaskStatus } from './task-status';
import { TaskRegistry } from './task.registry';
import { TasksRepository } from './tasks.repository';

/** Celery's `apply_async` options. */
export interface ApplyOptions extends TaskTiming {
  readonly args?: readonly unknown[];
  readonly kwargs?: TaskKwargs;
  /**
   * A UUID chosen by the caller (Celery's `task_id`), for callers that must not enqueue the same
   * work twice, such as several beat replicas on one tick: while a task with this id is kept,
   * enqueuing it again changes nothing. @defaultValue a new random UUID
   */
  readonly id?: string;
}

export interface TaskListFilter {
  readonly state?: TaskState;
  readonly name?: string;
  /** @defaultValue 20 */
  readonly limit?: number;
}

/** Our ids are UUIDs; anything else cannot name a task (and must never reach a Redis key). */
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(id: string): AppError {
  return new AppError('TASK_NOT_FOUND', `No task with id "${id}": it never existed or its result has expired`, 'not_found');
}

/**
 * The tasks as any module, the worker and the CLI see them: Celery's `delay`, `apply_async` and
 * `AsyncResult`, on Bull. Errors are AppErrors with stable codes: TASK_UNKNOWN, TASK_INVALID_ARGS,
 * TASK_INVALID_SCHEDULE, TASK_ARGS_TOO_LARGE, TASK_INVALID_ID, TASK_NOT_FOUND, TASK_NOT_REVOCABLE and, when Redis does
 * not answer, TASK_BROKER_UNAVAILABLE.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly registry: TaskRegistry,
    private readonly repository: TasksRepository,
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
  ) {}

  /** Enqueues a task to run at once with positional arguments: Celery's `task.delay(*args)`. */
  delay(name: string, ...args: unknown[]): Promise<EnqueuedTask> {
    return this.applyAsync(name, { args });
  }

  /**
   * Enqueues a task: Celery's `apply_async`. The arguments and the timing are checked here, so a
   * bad call is refused at once instead of failing later in a worker.
   */
  async applyAsync(name: string, options: ApplyOptions = {}): Promise<EnqueuedTask> {
    const { args = [], kwargs = {} } = options;
    const task = this.registry.get(name);
    bindArguments(name, task.params, args, kwargs);
    this.checkArgumentsSize(name, args, kwargs);
    const now = Date.now();
    const timing = resolveTiming(options, now, this.config.queue.maxDelayMs);
    if (options.id !== undefined && !TASK_ID.test(options.id)) {
      throw new AppError('TASK_INVALID_ID', `A task id must be a UUID (got "${options.id}")`, 'invalid');
    }
    const id = options.id ?? randomUUID();
    const eta = timing.eta?.toISOString() ?? null;
    await this.repository.add(task, id, { args, kwargs, eta }, timing.delayMs, now);
    return { id, name, state: 'PENDING', eta };
  }

  /**
   * Arguments are stored with the job in the noeviction broker until its result expires, so their
   * size is bounded (TASK_MAX_ARGS_BYTES, JSON-serialized).
   * @throws AppError TASK_ARGS_TOO_LARGE
   */
  private checkArgumentsSize(name: string, args: readonly unknown[], kwargs: TaskKwargs): void {
    const bytes = Buffer.byteLength(JSON.stringify({ args, kwargs }));
    const max = this.config.queue.maxArgsBytes;
    if (bytes > max) {
      throw new AppError('TASK_ARGS_TOO_LARGE', `The arguments of "${name}" take ${bytes} bytes as JSON, more than TASK_MAX_ARGS_BYTES (${max})`, 'too_large');
    }
  }

  /**
   * Checks a call without enqueuing it (for callers that validate ahead, such as a schedule).
   * @throws AppError TASK_UNKNOWN or TASK_INVALID_ARGS
   */
  validate(name: string, args: readonly unknown[] = [], kwargs: TaskKwargs = {}): void {
    bindArguments(name, this.registry.get(name).params, args, kwargs);
  }

  /**
   * The task's status: Celery's `AsyncResult`. Unlike Celery, an id that never existed or whose
   * result expired is not reported as PENDING.
   * @throws AppError TASK_NOT_FOUND
   */
  async result(id: string): Promise<TaskStatus> {
    const task = TASK_ID.test(id) ? await this.repository.find(id) : null;
    if (!task) throw notFound(id);
    return toTaskStatus(task);
  }

  /**
   * Revokes a task that has not started yet (PENDING, or waiting for a RETRY): it will never run.
   * @throws AppError TASK_NOT_FOUND, or TASK_NOT_REVOCABLE when it is running or finished.
   */
  async revoke(id: string): Promise<TaskStatus> {
    const outcome = TASK_ID.test(id) ? await this.repository.revoke(id) : 'missing';
    switch (outcome) {
      case 'missing':
        throw notFound(id);
      case 'active':
        throw new AppError('TASK_NOT_REVOCABLE', `Task ${id} is running and cannot be revoked`, 'conflict');
      case 'finished':
        throw new AppError('TASK_NOT_REVOCABLE', `Task ${id} has already finished`, 'conflict');
      case 'revoked':
        return this.result(id);
    }
  }

  /** The most recent tasks, newest first. */
  async list({ state, name, limit = 20 }: TaskListFilter = {}): Promise<TaskStatus[]> {
    return (await this.repository.list({ state, name }, limit)).map(toTaskStatus);
  }

  /** Round-trips to the broker Redis (`QUEUE_REDIS_URL`). */
  async pingBroker(): Promise<void> {
    await Promise.all(this.queues.allFailFast().map((queue) => queue.client.ping()));
  }
}
