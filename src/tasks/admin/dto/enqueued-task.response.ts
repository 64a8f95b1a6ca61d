import type { EnqueuedTaskView, TaskState } from '../../runtime/task-state';

/** What enqueuing answers: the id to ask for the result with. */
export class EnqueuedTask implements EnqueuedTaskView {
  /** Follow it at `GET /api/admin/tasks/{id}`. @example '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10' */
  readonly id: string;

  /** @example 'add' */
  readonly name: string;

  /** Always PENDING: nothing has run yet. */
  readonly state: TaskState;

  /** When it is to run (ISO-8601, UTC), or null for at once. */
  readonly eta: string | null;
}
