import type { TaskStatusView } from '../runtime/task-state';
import type { WorkflowState } from '../task-workflows';

/**
 * A workflow's state before a final one is stored, from its tasks: a task failed for good or
 * revoked ends it (even when no worker reported it), one that has started starts it.
 */
export function stateFromTasks(tasks: readonly Pick<TaskStatusView, 'state'>[]): WorkflowState {
  if (tasks.some((task) => task.state === 'FAILURE')) return 'FAILURE';
  if (tasks.some((task) => task.state === 'REVOKED')) return 'REVOKED';
  return tasks.some((task) => task.state !== 'PENDING') ? 'STARTED' : 'PENDING';
}
