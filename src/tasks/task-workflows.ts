import type { CallOptions } from './runtime/call-options';
import type { TaskKwargs } from './runtime/task-arguments';
import type { TaskStatusView } from './runtime/task-state';

/**
 * The workflow vocabulary of TasksService (Celery's canvas). It lives here, beside the tasks it
 * composes, so that TasksService can offer `chain`, `group`, `chord` and `workflow` while the
 * workflows module, which implements {@link TaskWorkflows}, depends on the tasks and not the reverse.
 */

/**
 * Per-call options of a signature: every option of `applyAsync` (`countdown`, `eta`, `queue`,
 * `priority`, `expires`, `softTimeLimit`, `timeLimit`), checked for every step before any is
 * enqueued and applied when the step is enqueued, plus Celery's `link` and `link_error`. No `id`:
 * a workflow derives each step's id from its own and the step's position.
 * `countdown` and an `expires` in seconds count from when the step is enqueued (after its parent
 * finished), as in Celery.
 */
export interface SignatureOptions extends CallOptions {
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
