import type { TaskKwargs } from './task-arguments';
import type { TaskState, TaskStatusView } from './task-state';
import { EXPIRED } from './task-expiry';
import { TERMINATED } from './time-limits';

/** The list or set of a Bull queue that holds a job's id. */
export type BullJobState = 'waiting' | 'paused' | 'delayed' | 'active' | 'completed' | 'failed';

/** What a job carries in Bull's `data`: the call as the caller made it. */
export interface TaskData {
  readonly args: readonly unknown[];
  readonly kwargs: TaskKwargs;
  /** The moment the caller asked for (ISO-8601), or null to run at once. */
  readonly eta: string | null;
  /** Set on the tasks of a workflow only (absent on the others and on jobs enqueued before). */
  readonly lineage?: TaskLineage;
  /** When it expires unless started (ISO-8601, UTC); absent: never. */
  readonly expires?: string;
  /** Seconds before the handler's signal aborts (the call's, else the task's); absent: never. */
  readonly softTimeLimit?: number;
  /** Seconds a run may take (the call's, else the task's); absent on jobs enqueued before: the task's. */
  readonly timeLimit?: number;
}

/** Where a task of a workflow comes from: what its status shows, and what the workflow reads on its completion. */
export interface TaskLineage {
  readonly workflowId: string;
  /** The task whose completion enqueued this one, or null for a workflow's first tasks. */
  readonly parentId: string | null;
  /** The task's position in its workflow; absent on a `link`/`linkError` callback. */
  readonly node?: string;
}

/** A task as stored in the broker: Bull's job fields, where it sits, and whether it was revoked. */
export interface StoredTask {
  readonly id: string;
  readonly name: string;
  /** The Bull queue that holds it. */
  readonly queue: string;
  /** Bull's priority, or null for none. */
  readonly priority: number | null;
  readonly bullState: BullJobState;
  readonly data: TaskData;
  /** Failed runs so far (Bull counts failures only). */
  readonly attemptsMade: number;
  readonly progress: number;
  readonly returnValue: unknown;
  readonly failedReason: string | null;
  /** ms since the epoch */
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly revoked: boolean;
  /** When a delayed job is due (ms since the epoch), or null when it is not delayed. */
  readonly dueAt: number | null;
}

/**
 * Maps where Bull holds a job to Celery's state. Bull has no retry or revoked state: a failed run
 * with attempts left waits in `delayed` (its backoff) with `attemptsMade > 0`, and a revoked job
 * is kept in `failed` with a revoked mark.
 */
export function toTaskState(bullState: BullJobState, attemptsMade: number, revoked: boolean): TaskState {
  switch (bullState) {
    case 'waiting':
    case 'paused':
    case 'delayed':
      return attemptsMade > 0 ? 'RETRY' : 'PENDING';
    case 'active':
      return 'STARTED';
    case 'completed':
      return 'SUCCESS';
    case 'failed':
      return revoked ? 'REVOKED' : 'FAILURE';
  }
}

/** The Bull lists and sets that can hold a task in the given state. */
export function bullStatesOf(state: TaskState): readonly BullJobState[] {
  switch (state) {
    case 'PENDING':
    case 'RETRY':
      return ['waiting', 'paused', 'delayed'];
    case 'STARTED':
      return ['active'];
    case 'SUCCESS':
      return ['completed'];
    case 'FAILURE':
    case 'REVOKED':
      return ['failed'];
  }
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toTaskStatus(task: StoredTask): TaskStatusView {
  const state = toTaskState(task.bullState, task.attemptsMade, task.revoked);
  // A worker revokes an expired or terminated task by failing its run: that run is no retry, and says why.
  const stoppedByWorker = state === 'REVOKED' && (task.failedReason === EXPIRED || task.failedReason === TERMINATED);
  return {
    id: task.id,
    name: task.name,
    state,
    args: task.data.args,
    kwargs: task.data.kwargs,
    queue: task.queue,
    priority: task.priority,
    expires: task.data.expires ?? null,
    result: state === 'SUCCESS' ? task.returnValue : null,
    error: state === 'RETRY' || state === 'FAILURE' || stoppedByWorker ? task.failedReason : null,
    retries: state === 'FAILURE' || stoppedByWorker ? Math.max(0, task.attemptsMade - 1) : task.attemptsMade,
    progress: task.progress,
    eta: task.data.eta,
    retryAt: state === 'RETRY' ? isoOrNull(task.dueAt) : null,
    createdAt: new Date(task.createdAt).toISOString(),
    startedAt: isoOrNull(task.startedAt),
    finishedAt: isoOrNull(task.finishedAt),
    workflowId: task.data.lineage?.workflowId ?? null,
    parentId: task.data.lineage?.parentId ?? null,
  };
}
