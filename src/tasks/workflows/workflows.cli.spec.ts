import { AppError } from '../../common/app-error';
import { CLI_EXIT } from '../tasks.cli';
import { runWorkflowCommand } from './workflows.cli';
import type { WorkflowsService } from './workflows.service';

const ID = '9a3e1c52-7d4b-4f0e-8c21-6b5d4a3f2e10';
const CANVAS = {
  chain: [
    { name: 'add', args: [2, 2] },
    { name: 'add', args: [4] },
  ],
};

/** Runs the command against a WorkflowsService stand-in and collects what it prints. */
async function run(submit: jest.Mock) {
  const out: string[] = [];
  const err: string[] = [];
  const workflows = { submit } as Partial<WorkflowsService> as WorkflowsService;
  const code = await runWorkflowCommand({ kind: 'workflow', canvas: CANVAS }, workflows, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

describe('runWorkflowCommand', () => {
  it('submits the canvas and prints only the id', async () => {
    const submit = jest.fn().mockResolvedValue({ id: ID, kind: 'chain', state: 'PENDING', tasks: [] });

    await expect(run(submit)).resolves.toEqual({ code: CLI_EXIT.ok, out: [ID], err: [] });
    expect(submit).toHaveBeenCalledWith(CANVAS);
  });

  it('exits 2 with the message when the canvas is refused', async () => {
    const submit = jest.fn().mockRejectedValue(new AppError('WORKFLOW_TOO_DEEP', 'nest at most 8 deep', 'invalid'));

    await expect(run(submit)).resolves.toEqual({ code: CLI_EXIT.usage, out: [], err: ['nest at most 8 deep'] });
  });

  it('exits 5 when the broker does not answer', async () => {
    const submit = jest.fn().mockRejectedValue(new AppError('TASK_BROKER_UNAVAILABLE', 'The task broker is unreachable', 'unavailable'));

    await expect(run(submit)).resolves.toMatchObject({ code: CLI_EXIT.unavailable });
  });
});
