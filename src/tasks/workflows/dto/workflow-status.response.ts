import { ApiJsonValue } from '../../../common/api-json.decorator';
import { TaskStatus } from '../../admin/dto/task-status.response';
import type { WorkflowKind, WorkflowState } from '../../task-workflows';

/** The status of a workflow, as `GET /api/admin/workflows/{id}` and `result <id>` report it. */
export class WorkflowStatus {
  /** @example '9a3e1c52-7d4b-4f0e-8c21-6b5d4a3f2e10' */
  readonly id: string;

  readonly kind: WorkflowKind;

  readonly state: WorkflowState;

  /** Once SUCCESS: a chain's last step's result, a group's list, a chord's body's result. */
  @ApiJsonValue()
  readonly result: unknown;

  /** The failed task and its error, in FAILURE. */
  readonly error: string | null;

  /** The tasks enqueued so far, in canvas order: a later chain step shows once it is enqueued. */
  readonly tasks: TaskStatus[];

  /** ISO-8601, UTC. */
  readonly createdAt: string;

  /** ISO-8601, UTC. */
  readonly finishedAt: string | null;
}
