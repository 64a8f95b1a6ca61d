import type { TaskKwargs } from './runtime/task-arguments';
import type { TaskStatusView } from './runtime/task-state';
import type { TaskTiming } from './runtime/task-timing';

/**
 * The workflow vocabulary of TasksService (Celery's canvas). It lives here, beside the tasks it
 * composes, so that TasksService can offer `chain`, `group`, `chord` and `workflow` while the
 * workflows module, which implements {@link TaskWorkflows}, depends on the tasks and not the reverse.
 */

/** Per-call options of a signature: Celery's `countdown`, `eta`, `link` and `link_error`. */
export interface SignatureOptions extends TaskTiming {
  /** Enqueued when this task succeeds, with its result prepended to the arguments (unless immutable). */
  readonly link?: Signature;
  /** Enqueued when this task fails for good, with the failed task's id prepended (unless immutable). */
  readonly linkError?: Signature;
}

/** A task call, not yet made: Celery's `signature` (`s`), or `si` with `immutable: true`. */
export interface Signature {
  readonly name: string;
  readonly args?: readonly unknown[];
  readonly kwargs?: TaskKwargs;
  readonly options?: SignatureOptions;
  /** Ignores the parent's result instead of receiving it as the first argument. @defaultValue false */
  readonly immutable?: boolean;
}

/** A signature, or a chain, group or chord of canvases, nested up to 8 deep. */
export type Canvas =
  | Signature
  | { readonly chain: readonly Canvas[] }
  | { readonly group: readonly Canvas[] }
  | { readonly chord: { readonly header: readonly Canvas[]; readonly body: Canvas } };

export type WorkflowKind = 'signature' | 'chain' | 'group' | 'chord';

export const WORKFLOW_STATES = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'REVOKED'] as const;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

/** What submitting a workflow answers. */
export interface SubmittedWorkflow {
  readonly id: string;
  readonly kind: WorkflowKind;
  readonly state: WorkflowState;
  /** The id of every task of the workflow, in canvas order (depth first), `link`s excluded. */
  readonly tasks: readonly string[];
}

/** A workflow's status and, once it succeeded, its result. */
export interface WorkflowStatus {
  readonly id: string;
  readonly kind: WorkflowKind;
  readonly state: WorkflowState;
  readonly result: unknown;
  readonly error: string | null;
  /** The tasks enqueued so far, in canvas order: a later chain step shows once it is enqueued. */
  readonly tasks: readonly TaskStatusView[];
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

/** Implemented by the workflows module; TasksService finds it when the module is loaded. */
export abstract class TaskWorkflows {
  /** Checks the whole canvas, then enqueues its first tasks. */
  abstract submit(canvas: Canvas): Promise<SubmittedWorkflow>;
  abstract status(id: string): Promise<WorkflowStatus>;
}
