import { AppError } from '../common/app-error';
import type { TaskState, TaskStatusView } from './runtime/task-state';
import type { WorkflowStatus } from './task-workflows';
import type { ApplyOptions, TasksService } from './tasks.service';

/**
 * `node dist/main enqueue <task> [args…] [--countdown S | --eta ISO] [--id UUID] [--queue Q] [--priority N]
 * [--expires S | ISO] [--soft-time-limit S] [--time-limit S]`: the seed's add_task.py.
 */
export interface EnqueueCommand extends Pick<
  ApplyOptions,
  'countdown' | 'id' | 'queue' | 'priority' | 'expires' | 'softTimeLimit' | 'timeLimit'
> {
  readonly kind: 'enqueue';
  readonly task: string;
  readonly args: unknown[];
  /** As typed: an ISO-8601 date-time with its offset. */
  readonly eta?: string;
}

/** `node dist/main result <id>`: the seed's get_task_result.py. */
export interface ResultCommand {
  readonly kind: 'result';
  readonly id: string;
}

/** Exit statuses of `enqueue` and `result`, for scripts. */
export const CLI_EXIT = {
  /** Enqueued; or the task succeeded. */
  ok: 0,
  /** The task failed or was revoked. */
  taskFailed: 1,
  /** Bad usage: unknown command or option, unknown task, invalid arguments, eta or countdown. */
  usage: 2,
  /** The task has not finished yet (PENDING, STARTED or RETRY): ask again later. */
  notFinished: 3,
  /** No task with this id: it never existed, or its result expired. */
  notFound: 4,
  /** The command could not run: invalid configuration, or the broker did not answer. */
  unavailable: 5,
} as const;

export function exitCodeFor(state: TaskState): number {
  switch (state) {
    case 'SUCCESS':
      return CLI_EXIT.ok;
    case 'FAILURE':
    case 'REVOKED':
      return CLI_EXIT.taskFailed;
    case 'PENDING':
    case 'STARTED':
    case 'RETRY':
      return CLI_EXIT.notFinished;
  }
}

/** Where the commands write: results to `out` (stdout), problems to `err` (stderr). */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** A task's status or, for the id of a workflow, the workflow's. */
async function statusOf(tasks: TasksService, id: string): Promise<TaskStatusView | WorkflowStatus> {
  try {
    return await tasks.result(id);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'TASK_NOT_FOUND') throw error;
    try {
      return await tasks.workflow(id);
    } catch (workflowError) {
      // Neither a task nor a workflow: the task's answer says so.
      throw workflowError instanceof AppError && workflowError.code === 'WORKFLOW_NOT_FOUND' ? error : workflowError;
    }
  }
}

/**
 * Runs `enqueue` (prints the task's id) or `result` of a task or a workflow (prints the state,
 * then the JSON result or the error) and returns the exit status. Errors other than a refused call propagate.
 */
export async function runTaskCommand(command: EnqueueCommand | ResultCommand, tasks: TasksService, output: CliOutput): Promise<number> {
  try {
    if (command.kind === 'enqueue') {
      // The parser leaves out every option not given, so the rest is ApplyOptions as it stands.
      const { kind: _kind, task, ...options } = command;
      if (options.id === undefined) {
        output.out((await tasks.applyAsync(task, options)).id);
        return CLI_EXIT.ok;
      }
      const outcome = await tasks.applyOnce(task, options);
      output.out(outcome.task.id);
      if (!outcome.created) output.err(`A task with this id is already kept (${outcome.task.state}): nothing changed`);
      return CLI_EXIT.ok;
    }
    const status = await statusOf(tasks, command.id);
    output.out(status.state);
    if (status.state === 'SUCCESS') output.out(JSON.stringify(status.result));
    if (status.error !== null) output.out(status.error);
    return exitCodeFor(status.state);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    output.err(error.message);
    if (error.kind === 'unavailable') return CLI_EXIT.unavailable;
    return error.code === 'TASK_NOT_FOUND' ? CLI_EXIT.notFound : CLI_EXIT.usage;
  }
}
