import { ApiJsonArray, ApiJsonValue } from '../../../common/api-json.decorator';
import type { TaskKwargs } from '../../runtime/task-arguments';
import type { TaskState, TaskStatusView } from '../../runtime/task-state';

/** The status of a task, as `GET /api/admin/tasks/{id}` and `result <id>` report it. */
export class TaskStatus implements TaskStatusView {
  /** @example '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10' */
  readonly id: string;

  /** @example 'add' */
  readonly name: string;

  readonly state: TaskState;

  /** Positional arguments, as enqueued. */
  @ApiJsonArray()
  readonly args: readonly unknown[];

  /** Arguments by parameter name, as enqueued. */
  readonly kwargs: TaskKwargs;

  /** The return value, once SUCCESS. */
  @ApiJsonValue()
  readonly result: unknown;

  /** The last error message (never a stack trace), in RETRY and FAILURE. */
  readonly error: string | null;

  /** Runs after the first that were started or are scheduled because of a failure. */
  readonly retries: number;

  /** The queue it was enqueued on. @example 'default' */
  readonly queue: string;

  /** 1 (highest) to 10, or null for none (first in, first out, behind the prioritized tasks). */
  readonly priority: number | null;

  /** When it expires unless started (ISO-8601, UTC), or null for never. */
  readonly expires: string | null;

  /** 0–100, as last reported by the task. */
  readonly progress: number;

  /** When it is to run (ISO-8601, UTC), or null for at once. */
  readonly eta: string | null;

  /** In RETRY, when the next run is due (ISO-8601, UTC), after the backoff; else null. */
  readonly retryAt: string | null;

  /** ISO-8601, UTC. */
  readonly createdAt: string;

  /** ISO-8601, UTC: when its last run started. */
  readonly startedAt: string | null;

  /** ISO-8601, UTC. */
  readonly finishedAt: string | null;

  /** The workflow this task is part of (see `GET /api/admin/workflows/{id}`), or null. */
  readonly workflowId: string | null;

  /** The task whose completion enqueued this one in its workflow, or null. */
  readonly parentId: string | null;
}
