import type { WorkflowKind, WorkflowState } from '../../task-workflows';

/** What submitting a workflow answers. */
export class SubmittedWorkflow {
  /** Follow it at `GET /api/admin/workflows/{id}`. @example '9a3e1c52-7d4b-4f0e-8c21-6b5d4a3f2e10' */
  readonly id: string;

  readonly kind: WorkflowKind;

  /** Always PENDING: nothing has run yet. */
  readonly state: WorkflowState;

  /** The id of every task of the workflow in canvas order (`link` callbacks excluded). */
  readonly tasks: string[];
}
