import type { TaskKwargs } from './task-arguments';

/** Celery's task states. */
export const TASK_STATES = ['PENDING', 'STARTED', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** What enqueuing answers: the id to ask for the result with (the HTTP layer documents it as EnqueuedTask). */
export interface EnqueuedTaskView {
  readonly id: string;
  readonly name: string;
  /** Always PENDING: nothing has run yet. */
  readonly state: TaskState;
  /** When it is to run (ISO-8601, UTC), or null for at once. */
  readonly eta: string | null;
}

/** The status of a task, as `GET /api/admin/tasks/{id}` and `result <id>` report it (documented as TaskStatus). */
export interface TaskStatusView {
  readonly id: string;
  readonly name: string;
  readonly state: TaskState;
  readonly args: readonly unknown[];
  readonly kwargs: TaskKwargs;
  readonly queue: string;
  /** 1 (highest) to 10, or null for none. */
  readonly priority: number | null;
  /** When it expires unless started (ISO-8601, UTC), or null for never. */
  readonly expires: string | null;
  /** The return value, once SUCCESS. */
  readonly result: unknown;
  /** The last error message (never a stack trace), in RETRY and FAILURE. */
  readonly error: string | null;
  readonly retries: number;
  readonly progress: number;
  readonly eta: string | null;
  /** In RETRY, when the next run is due (ISO-8601, UTC); else null. */
  readonly retryAt: string | null;
  /** ISO-8601, UTC. */
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** The workflow this task is part of, or null. */
  readonly workflowId: string | null;
  /** The task whose completion enqueued this one in its workflow, or null. */
  readonly parentId: string | null;
}
