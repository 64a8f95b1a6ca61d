import { AppError } from '../common/app-error';
import type { TaskStatus } from './admin/dto/task-status.response';
import type { TaskState } from './runtime/task-state';
import { CLI_EXIT, type EnqueueCommand, exitCodeFor, runTaskCommand } from './tasks.cli';
import type { TasksService } from './tasks.service';

const ID = '0b7f3b1e-5a0c-4c39-9d51-2a5f0e0c1a11';

function status(state: TaskState, fields: Partial<TaskStatus> = {}): TaskStatus {
  return {
    id: ID,
    name: 'add',
    state,
    args: [10, 20],
    kwargs: {},
    queue: 'default',
    priority: null,
    expires: null,
    result: null,
    error: null,
    retries: 0,
    progress: 0,
    eta: null,
    retryAt: null,
    createdAt: '2030-05-01T02:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    workflowId: null,
    parentId: null,
    ...fields,
  };
}

/** Runs a command against a TasksService stand-in and collects what it prints. */
async function run(command: Parameters<typeof runTaskCommand>[0], tasks: Partial<TasksService>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTaskCommand(command, tasks as TasksService, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('exitCodeFor', () => {
  it.each<[TaskState, number]>([
    ['SUCCESS', 0],
    ['FAILURE', 1],
    ['REVOKED', 1],
    ['PENDING', 3],
    ['STARTED', 3],
    ['RETRY', 3],
  ])('exits %s with %i', (state, code) => {
    expect(exitCodeFor(state)).toBe(code);
  });
});

describe('runTaskCommand', () => {
  it('enqueues with the timing and prints only the id', async () => {
    const applyAsync = jest.fn().mockResolvedValue({ id: ID, name: 'add', state: 'PENDING', eta: null });

    const sut = await run({ kind: 'enqueue', task: 'add', args: [10, 20], countdown: 5 }, { applyAsync });

    expect(applyAsync).toHaveBeenCalledWith('add', { args: [10, 20], countdown: 5, eta: undefined });
    expect(sut).toEqual({ code: CLI_EXIT.ok, out: [ID], err: [] });
  });

  it('passes the placement, the expiry and the time limits it was given, and only those', async () => {
    const applyAsync = jest.fn().mockResolvedValue({ id: ID, name: 'add', state: 'PENDING', eta: null });

    await run({ kind: 'enqueue', task: 'add', args: [1, 2], priority: 2, softTimeLimit: 0.5, timeLimit: 1 }, { applyAsync });

    expect(applyAsync).toHaveBeenCalledWith('add', {
      args: [1, 2],
      countdown: undefined,
      eta: undefined,
      priority: 2,
      softTimeLimit: 0.5,
      timeLimit: 1,
    });
  });

  it('enqueues under the id given, once: a kept task is left as it is, and said so on stderr', async () => {
    const applyOnce = jest
      .fn()
      .mockResolvedValueOnce({ created: true, task: { id: ID, name: 'add', state: 'PENDING', eta: null } })
      .mockResolvedValueOnce({ created: false, task: status('SUCCESS', { result: 30 }) });
    const command: EnqueueCommand = { kind: 'enqueue', task: 'add', args: [10, 20], id: ID };

    await expect(run(command, { applyOnce })).resolves.toEqual({ code: CLI_EXIT.ok, out: [ID], err: [] });
    await expect(run(command, { applyOnce })).resolves.toEqual({
      code: CLI_EXIT.ok,
      out: [ID],
      err: ['A task with this id is already kept (SUCCESS): nothing changed'],
    });
    expect(applyOnce).toHaveBeenCalledWith('add', { args: [10, 20], countdown: undefined, eta: undefined, id: ID });
  });

  it('exits 2 with the message when the call is refused', async () => {
    const applyAsync = jest.fn().mockRejectedValue(new AppError('TASK_UNKNOWN', 'Unknown task "nope"', 'not_found'));

    await expect(run({ kind: 'enqueue', task: 'nope', args: [] }, { applyAsync })).resolves.toEqual({
      code: CLI_EXIT.usage,
      out: [],
      err: ['Unknown task "nope"'],
    });
  });

  it('prints the state and the JSON result of a success', async () => {
    const result = jest.fn().mockResolvedValue(status('SUCCESS', { result: 30 }));

    await expect(run({ kind: 'result', id: ID }, { result })).resolves.toEqual({ code: 0, out: ['SUCCESS', '30'], err: [] });
    expect(result).toHaveBeenCalledWith(ID);
  });

  it('prints the state and the error of a failure', async () => {
    const result = jest.fn().mockResolvedValue(status('FAILURE', { error: 'boom' }));

    await expect(run({ kind: 'result', id: ID }, { result })).resolves.toEqual({ code: 1, out: ['FAILURE', 'boom'], err: [] });
  });

  it('prints only the state of a task not finished', async () => {
    const result = jest.fn().mockResolvedValue(status('PENDING'));

    await expect(run({ kind: 'result', id: ID }, { result })).resolves.toEqual({ code: 3, out: ['PENDING'], err: [] });
  });

  it('exits 4 for an id of no task and no workflow', async () => {
    const result = jest.fn().mockRejectedValue(new AppError('TASK_NOT_FOUND', `No task with id "${ID}"`, 'not_found'));
    const workflow = jest.fn().mockRejectedValue(new AppError('WORKFLOW_NOT_FOUND', `No workflow with id "${ID}"`, 'not_found'));

    await expect(run({ kind: 'result', id: ID }, { result, workflow })).resolves.toEqual({
      code: CLI_EXIT.notFound,
      out: [],
      err: [`No task with id "${ID}"`],
    });
  });

  it('reports a workflow by its id, with its result', async () => {
    const result = jest.fn().mockRejectedValue(new AppError('TASK_NOT_FOUND', `No task with id "${ID}"`, 'not_found'));
    const workflow = jest.fn().mockResolvedValue({ id: ID, kind: 'chain', state: 'SUCCESS', result: 7, error: null, tasks: [] });

    await expect(run({ kind: 'result', id: ID }, { result, workflow })).resolves.toEqual({ code: 0, out: ['SUCCESS', '7'], err: [] });
    expect(workflow).toHaveBeenCalledWith(ID);
  });

  it('exits 1 with the error of a failed workflow', async () => {
    const result = jest.fn().mockRejectedValue(new AppError('TASK_NOT_FOUND', `No task with id "${ID}"`, 'not_found'));
    const workflow = jest.fn().mockResolvedValue({ id: ID, kind: 'chord', state: 'FAILURE', result: null, error: 'add failed', tasks: [] });

    await expect(run({ kind: 'result', id: ID }, { result, workflow })).resolves.toEqual({
      code: 1,
      out: ['FAILURE', 'add failed'],
      err: [],
    });
  });

  it('exits 5 when the broker does not answer', async () => {
    const result = jest.fn().mockRejectedValue(new AppError('TASK_BROKER_UNAVAILABLE', 'The task broker is unreachable', 'unavailable'));

    await expect(run({ kind: 'result', id: ID }, { result })).resolves.toEqual({
      code: CLI_EXIT.unavailable,
      out: [],
      err: ['The task broker is unreachable'],
    });
  });

  it('lets other errors through for the caller to report', async () => {
    const result = jest.fn().mockRejectedValue(new Error('Connection is closed.'));

    await expect(run({ kind: 'result', id: ID }, { result })).rejects.toThrow('Connection is closed.');
  });
});
