import { AppError } from '../../common/app-error';
import { CLI_EXIT, type CliOutput } from '../tasks.cli';
import type { WorkflowsService } from './workflows.service';

/** `node dist/main workflow '<canvas JSON>'`: submits a chain, group, chord or signature. */
export interface WorkflowCommand {
  readonly kind: 'workflow';
  readonly canvas: unknown;
}

/**
 * Runs `workflow '<canvas JSON>'`: prints the new workflow's id and exits 0, or prints why the
 * canvas was refused and exits 2 (5 when the broker does not answer). Follow it with `result <id>`.
 */
export async function runWorkflowCommand(command: WorkflowCommand, workflows: WorkflowsService, output: CliOutput): Promise<number> {
  try {
    output.out((await workflows.submit(command.canvas)).id);
    return CLI_EXIT.ok;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    output.err(error.message);
    return error.kind === 'unavailable' ? CLI_EXIT.unavailable : CLI_EXIT.usage;
  }
}
