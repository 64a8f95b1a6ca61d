import type { TaskStatus } from '../tasks/dto/task-status.response';
import type { WorkflowState } from '../tasks/task-workflows';

/**
 * A workflow's state before a final one is stored, from its tasks: a task failed for good or
 * revoked ends it (even when no worker reported it), one that has started starts it.
 */
export function stateFromTasks(tasks: readonly Pick<TaskStatus, 'state'>[]): WorkflowState {
  if (tasks.some((task) => task.state === 'FAILURE')) return 'FAILURE';
  if (tasks.some((task) => task.state === 'REVOKED')) return 'REVOKED';
  return tasks.some((task) => task.state !== 'PENDING') ? 'STARTED' : 'PENDING';
}
