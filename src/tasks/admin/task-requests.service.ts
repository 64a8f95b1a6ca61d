import { Injectable } from '@nestjs/common';
import { IdempotencyKeys } from '../idempotency-keys';
import type { EnqueuedTaskView, TaskStatusView } from '../runtime/task-state';
import { TasksService } from '../tasks.service';
import type { EnqueueTaskDto } from './dto/enqueue-task.dto';

/** How `POST /api/admin/tasks` answers: 202 with the new task, or 200 with the one that was there. */
export type EnqueueAnswer =
  { readonly status: 202; readonly body: EnqueuedTaskView } | { readonly status: 200; readonly body: TaskStatusView };

/** The enqueue route's logic: the caller's `id` or `Idempotency-Key` decide whether a task is new. */
@Injectable()
export class TaskRequests {
  constructor(
    private readonly tasks: TasksService,
    private readonly keys: IdempotencyKeys,
  ) {}

  /**
   * @param idempotencyKey the `Idempotency-Key` header: every request with it names one task (the
   * body's `id`, else an id derived from the key).
   */
  async enqueue(request: EnqueueTaskDto, idempotencyKey?: string): Promise<EnqueueAnswer> {
    const { name, ...options } = request;
    const keyed = idempotencyKey === undefined ? undefined : await this.keys.claim('task', idempotencyKey, request);
    const outcome = await this.tasks.applyOnce(name, { ...options, id: options.id ?? keyed });
    return outcome.created ? { status: 202, body: outcome.task } : { status: 200, body: outcome.task };
  }
}
