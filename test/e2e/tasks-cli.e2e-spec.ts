import { randomUUID } from 'node:crypto';
import { MainProcess } from '../support/main-process';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * `node dist/main enqueue …` and `node dist/main result …` (run `npm run build` first), the seed's
 * add_task.py and get_task_result.py, with an in-process worker.
 */
describe('node dist/main enqueue | result (e2e, real Redis broker)', () => {
  let environment: TestEnvironment;
  let client: TaskClient;
  let worker: TestApp;

  /** Runs one command to its end: its exit code and every line it printed. */
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const sut = new MainProcess(args, { ...environment.env, ...env });
    const code = await sut.exitCode();
    return { code, lines: sut.lines };
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    client = await startTaskClient({ ...environment.env, LOG_LEVEL: 'error' });
    worker = await startTestApp('worker', { ...environment.env, LOG_LEVEL: 'error' });
  });

  afterAll(async () => {
    await worker?.close();
    await client?.close();
    await environment.dispose();
  });

  it('enqueues add 10 20 with numbers, prints only the id, and result prints SUCCESS and 30', async () => {
    const enqueued = await cli(['enqueue', 'add', '10', '20']);
    expect(enqueued.code).toBe(0);
    expect(enqueued.lines).toEqual([expect.stringMatching(UUID)]);
    const [id] = enqueued.lines;
    await expect(client.waitForState(id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ args: [10, 20], result: 30 });

    await expect(cli(['result', id])).resolves.toEqual({ code: 0, lines: ['SUCCESS', '30'] });
  });

  it('reads arguments that are not JSON as text, and takes --countdown and --eta', async () => {
    const [text, countdown, eta] = await Promise.all([
      cli(['enqueue', 'test_task', 'hello world']),
      cli(['enqueue', 'add', '--countdown', '600', '1', '2']),
      cli(['enqueue', 'add', '1', '2', '--eta=2001-01-01T08:00:00+08:00']),
    ]);

    await expect(client.tasks.result(text.lines[0])).resolves.toMatchObject({ args: ['hello world'] });
    await expect(client.tasks.result(countdown.lines[0])).resolves.toMatchObject({ state: 'PENDING' });
    await expect(client.waitForState(eta.lines[0], ['SUCCESS'])).resolves.toMatchObject({ eta: '2001-01-01T00:00:00.000Z' });
  });

  it('exits 3 while the task has not finished, 1 when it failed or was revoked', async () => {
    const pending = await client.tasks.applyAsync('add', { args: [1, 2], countdown: 600 });
    const revoked = await client.tasks.applyAsync('add', { args: [1, 2], countdown: 600 });
    await client.tasks.revoke(revoked.id);
    const failed = await client.tasks.delay('testing.fail', 'out of paper');
    await client.waitForState(failed.id, ['FAILURE']);

    const [pendingResult, revokedResult, failedResult] = await Promise.all([pending, revoked, failed].map(({ id }) => cli(['result', id])));

    expect(pendingResult).toEqual({ code: 3, lines: ['PENDING'] });
    expect(revokedResult).toEqual({ code: 1, lines: ['REVOKED'] });
    expect(failedResult).toEqual({ code: 1, lines: ['FAILURE', 'out of paper'] });
  });

  it('exits 4 for an id that never existed', async () => {
    const id = randomUUID();

    await expect(cli(['result', id])).resolves.toEqual({
      code: 4,
      lines: [`No task with id "${id}": it never existed or its result has expired`],
    });
  });

  it.each([
    [['enqueue', 'mul', '2', '3'], /^Unknown task "mul": known tasks are /],
    [['enqueue', 'add', '1', 'x'], /^Invalid arguments for task "add": argument "m" must be a number \(got "x"\)$/],
    [['enqueue', 'add', '1', '2', '--eta', '2030-05-01T10:00:00'], /has no time zone offset/],
    [['enqueue', 'add', '1', '2', '--eta', '2030-05-01T10:00:00Z', '--countdown', '1'], /^Give either countdown or eta, not both$/],
    [['enqueue', 'add', '1', '2', '--in', '5'], /^Unknown option --in\. Usage: node dist\/main enqueue/],
    [['enqueue'], /^enqueue needs a task name\./],
    [['result'], /^result takes exactly one task id\./],
    [['results', 'x'], /^Unexpected argument 'results'/],
  ])('exits 2 on %j with one line saying why', async (args, message) => {
    const sut = await cli(args);

    expect(sut.code).toBe(2);
    expect(sut.lines).toEqual([expect.stringMatching(message)]);
  });

  it('does not know the test-only tasks outside NODE_ENV=test', async () => {
    const sut = await cli(['enqueue', 'testing.fail', 'x'], { NODE_ENV: 'production' });

    expect(sut.code).toBe(2);
    expect(sut.lines).toEqual([expect.stringMatching(/^Unknown task "testing.fail": known tasks are (?!.*testing\.)/)]);
  });

  it('exits 5 at once when the broker is unreachable', async () => {
    const sut = await cli(['enqueue', 'add', '1', '2'], { QUEUE_REDIS_URL: 'redis://127.0.0.1:1/1' });

    expect(sut).toEqual({
      code: 5,
      lines: [expect.stringMatching(/^The task broker \(QUEUE_REDIS_URL\) is unreachable: could not enqueue/)],
    });
  });

  it('exits 5 when the configuration is invalid', async () => {
    const sut = await cli(['result', randomUUID()], { QUEUE_REDIS_URL: 'localhost:6379' });

    expect(sut).toEqual({ code: 5, lines: [expect.stringMatching(/^Invalid configuration: QUEUE_REDIS_URL must be/)] });
  });
});
