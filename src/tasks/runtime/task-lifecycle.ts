import { Injectable } from '@nestjs/common';
import type { TaskData } from './task-status';

/**
 * A task that finished for good: succeeded, failed with no attempt left, or was revoked by its
 * worker (it expired before it started, or was terminated while it ran).
 */
export type TaskOutcome =
  | { readonly id: string; readonly name: string; readonly data: TaskData; readonly state: 'SUCCESS'; readonly result: unknown }
  | { readonly id: string; readonly name: string; readonly data: TaskData; readonly state: 'FAILURE' | 'REVOKED'; readonly error: string };

/** Returns nothing when the outcome is none of its business, so that the run need not wait. */
export type TaskOutcomeListener = (outcome: TaskOutcome) => Promise<void> | undefined;

/**
 * The one seam between the task runtime and what builds on it (workflows): the worker reports here
 * each task that finished for good, and the listeners react, such as by enqueuing the next step.
 *
 * Delivery is at least once, like a task's run: a success is reported before Bull marks the job
 * done, so a worker killed in between runs the task again and reports it again. Listeners must be
 * idempotent. A revoke of a task that has not started is not reported: it happens in whichever
 * process calls it, and a workflow reads its members' states instead.
 */
@Injectable()
export class TaskLifecycle {
  private readonly listeners: TaskOutcomeListener[] = [];

  onFinished(listener: TaskOutcomeListener): void {
    this.listeners.push(listener);
  }

  /**
   * Runs every listener, one after the other; a listener's error propagates (the task's run then
   * fails and is retried).
   * @returns undefined when no listener had anything to wait for: the worker then ends the run
   * without an await (see TasksProcessor).
   */
  finished(outcome: TaskOutcome): Promise<void> | undefined {
    return this.runFrom(0, outcome);
  }

  private runFrom(first: number, outcome: TaskOutcome): Promise<void> | undefined {
    for (let index = first; index < this.listeners.length; index++) {
      const pending = this.listeners[index](outcome);
      if (pending) return pending.then(() => this.runFrom(index + 1, outcome));
    }
    return undefined;
  }
}
