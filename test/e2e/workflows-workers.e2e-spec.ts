import { randomUUID } from 'node:crypto';
import Bull, { type Job } from 'bull';
import { QUEUES } from '../../src/tasks/runtime/queues';
import { WorkflowStore } from '../../src/tasks/workflows/workflow.store';
import type { WorkflowState } from '../../src/tasks/task-workflows';
import { recordKeys } from '../fixtures/testing-tasks/record.task';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { workerFleet } from '../support/worker-fleet';

const FINAL: readonly string[] = ['SUCCESS', 'FAILURE', 'REVOKED'] satisfies WorkflowState[];

/**
 * Workflows over `node dist/main --role=worker` child processes (run `npm run build` first), with
 * workers killed by SIGKILL while a workflow runs, and the `workflow` and `result` commands.
 */
describe('workflows over worker processes (e2e, real Redis broker)', () => {
  /** A 2 s lock, as in tasks-workers.e2e-spec.ts: a killed worker's job runs again within about 4 s. */
  const fleet = workerFleet({ WORKER_LOCK_SECONDS: '2' });
  const startWorkers = (count: number) => Promise.all(Array.from({ length: count }, () => fleet.startWorker()));
  const cli = async (args: string[]) => {
    const sut = new MainProcess(args, { ...fleet.environment.env, LOG_LEVEL: 'error' });
    const code = await sut.exitCode();
    return { code, lines: sut.lines };
  };
  /** Resolves once the workflow has finished, and each of its tasks (reported before Bull marks it done). */
  const waitFor = (id: string) =>
    pollUntil(
      () => fleet.client.tasks.workflow(id),
      (workflow) => FINAL.includes(workflow.state) && workflow.tasks.every((task) => FINAL.includes(task.state)),
      `workflow ${id} to finish with its tasks`,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  /**
   * Runs the `add` tasks with a Bull processor that is not ours: Bull stores each result and no
   * report is made, as when a worker is killed between a task's end and its report.
   */
  const runAddsWithoutReports = async (ids: readonly string[]) => {
    const { QUEUE_REDIS_URL, QUEUE_PREFIX } = fleet.environment.env;
    const bare = new Bull(QUEUES.default, QUEUE_REDIS_URL, { prefix: QUEUE_PREFIX });
    try {
      void bare.process('add', 4, (job: Job<{ args: [number, number] }>) => job.data.args[0] + job.data.args[1]);
      await pollUntil(
        () => Promise.all(ids.map((id) => fleet.client.tasks.result(id))),
        (tasks) => tasks.every((task) => task.state === 'SUCCESS'),
        'the tasks to succeed',
      );
    } finally {
      await bare.close();
    }
  };
  /** The runs of `testing.record` tasks given this list name. */
  const record = (list = randomUUID()) => {
    const keys = recordKeys(`e2e-queue-${fleet.environment.id}`, list);
    return {
      list,
      started: async () => (await fleet.client.redis.lrange(keys.started, 0, -1)).map(Number),
      values: async () => (await fleet.client.redis.lrange(keys.values, 0, -1)).map((value) => JSON.parse(value) as unknown),
    };
  };

  it('runs the chain add(2, 2) | add(4) | low(1) → 7 from the command line, and result prints it', async () => {
    await startWorkers(1);
    const canvas = {
      chain: [
        { name: 'add', args: [2, 2] },
        { name: 'add', args: [4] },
        { name: 'low', args: [1] },
      ],
    };

    const submitted = await cli(['workflow', JSON.stringify(canvas)]);

    expect(submitted).toEqual({ code: 0, lines: [expect.stringMatching(/^[0-9a-f-]{36}$/)] });
    const [id] = submitted.lines;
    await waitFor(id);
    await expect(cli(['result', id])).resolves.toEqual({ code: 0, lines: ['SUCCESS', '7'] });
  });

  it('refuses a bad canvas from the command line with exit 2, and result of no workflow exits 4', async () => {
    const refused = await cli(['workflow', JSON.stringify({ chain: [{ name: 'mul', args: [1, 2] }] })]);
    expect(refused.code).toBe(2);
    expect(refused.lines).toEqual([expect.stringContaining('Unknown task "mul"')]);

    await expect(cli(['result', randomUUID()])).resolves.toMatchObject({ code: 4 });
  });

  it("takes a step's per-call options from the command line, and refuses a bad one with exit 2", async () => {
    await startWorkers(1);
    const step = { name: 'add', args: [4], options: { queue: 'banner', priority: 2, expires: 60, timeLimit: 5 } };

    const submitted = await cli(['workflow', JSON.stringify({ chain: [{ name: 'add', args: [2, 2] }, step] })]);

    expect(submitted.code).toBe(0);
    const sut = await waitFor(submitted.lines[0]);
    expect(sut).toMatchObject({ state: 'SUCCESS', result: 8 });
    expect(sut.tasks[1]).toMatchObject({ queue: 'banner', priority: 2 });
    const badStep = { ...step, options: { queue: 'nowhere' } };
    await expect(cli(['workflow', JSON.stringify({ chain: [{ name: 'add', args: [2, 2] }, badStep] })])).resolves.toEqual({
      code: 2,
      lines: [expect.stringContaining('task r.1: Unknown queue "nowhere"')],
    });
  });

  it('runs the chord of add(i, i) for i in 0..99 with xsum → 9900 on two workers', async () => {
    await startWorkers(2);
    const header = Array.from({ length: 100 }, (_, i) => ({ name: 'add', args: [i, i] }));

    const { id, tasks } = await fleet.client.tasks.chord(header, { name: 'xsum' });
    const sut = await waitFor(id);

    expect(sut).toMatchObject({ kind: 'chord', state: 'SUCCESS', result: 9900 });
    expect(sut.tasks).toHaveLength(101);
    expect(sut.tasks.at(-1)).toMatchObject({ id: tasks[100], name: 'xsum', retries: 0 });
  });

  it('runs the body of a chord of 200 once, with all 200 results, when a worker is SIGKILLed while members run', async () => {
    const workers = await startWorkers(2);
    const members = record();
    const body = record();
    const header = Array.from({ length: 200 }, (_, i) => ({ name: 'testing.record', args: [i, members.list, 50] }));

    const { id } = await fleet.client.tasks.chord(header, { name: 'testing.record', args: [body.list] });
    await pollUntil(
      () => members.values(),
      (values) => values.length >= 40,
      'members to run',
    );
    const [victim, survivor] = workers;
    victim.child.kill('SIGKILL');
    await victim.exitCode();
    const sut = await waitFor(id);

    const results = header.map((_, i) => i);
    expect(sut).toMatchObject({ state: 'SUCCESS', result: results });
    expect(await body.values()).toEqual([results]);
    expect(new Set(await members.values())).toEqual(new Set(results));
    expect(new Set(await members.started())).toEqual(new Set([victim.child.pid, survivor.child.pid]));
  });

  it("counts a chord's members that finished with no report, as a worker killed after a member's end leaves them, and runs the body once", async () => {
    const header = Array.from({ length: 10 }, (_, i) => ({ name: 'add', args: [i, i] }));
    const { id, tasks } = await fleet.client.tasks.chord(header, { name: 'xsum' });
    await runAddsWithoutReports(tasks.slice(0, 10));
    await expect(fleet.client.tasks.workflow(id)).resolves.toMatchObject({ state: 'STARTED', tasks: { length: 10 } });

    await startWorkers(1);
    const sut = await waitFor(id);

    expect(sut).toMatchObject({ state: 'SUCCESS', result: 90 });
    expect(sut.tasks.at(-1)).toMatchObject({ id: tasks[10], name: 'xsum', args: [header.map((_, i) => 2 * i)], retries: 0 });
  });

  it('enqueues the body of a chord whose header was counted whole by a worker killed before it enqueued the body', async () => {
    const header = Array.from({ length: 5 }, (_, i) => ({ name: 'add', args: [i, i] }));
    const { id, tasks } = await fleet.client.tasks.chord(header, { name: 'xsum' });
    await runAddsWithoutReports(tasks.slice(0, 5));
    // Counted as a worker counts them, by a caller that then goes no further.
    const store = fleet.client.app.get(WorkflowStore);
    const answers = await Promise.all(header.map((_, i) => store.countMember(id, 'r.h', i, header.length, 2 * i)));
    expect(answers.filter((answer) => answer !== null)).toEqual([[0, 2, 4, 6, 8]]);
    await expect(fleet.client.tasks.workflow(id)).resolves.toMatchObject({ state: 'STARTED', tasks: { length: 5 } });

    await startWorkers(1);
    const sut = await waitFor(id);

    expect(sut).toMatchObject({ state: 'SUCCESS', result: 20 });
    expect(sut.tasks.at(-1)).toMatchObject({ id: tasks[5], name: 'xsum', args: [[0, 2, 4, 6, 8]], retries: 0 });
  });

  it('runs every step of a chain of 20 exactly once, with the right result, when the worker running a step is SIGKILLed', async () => {
    const workers = await startWorkers(2);
    const steps = record();
    // add(0, 1) then record, add(1), record, …: ten adds, each result recorded once by the step after.
    // The fourth record step is the one killed: it waits 2 s, the others 50 ms, so that it is still
    // running when the worker is killed, however slow the machine is to see it start.
    const killedStep = 7;
    const chain = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? i === 0
          ? { name: 'add', args: [0, 1] }
          : { name: 'add', args: [1] }
        : { name: 'testing.record', args: [steps.list, i === killedStep ? 2_000 : 50] },
    );

    const { id } = await fleet.client.tasks.chain(...chain);
    // The fourth record step is running once three have recorded and four have started.
    const [runs] = await pollUntil(
      async () => [await steps.started(), await steps.values()] as const,
      ([started, values]) => values.length === 3 && started.length === 4,
      'the fourth record step to be running',
    );
    const victim = workers.find((worker) => worker.child.pid === runs.at(-1))!;
    victim.child.kill('SIGKILL');
    await victim.exitCode();
    const sut = await waitFor(id);

    expect(sut).toMatchObject({ state: 'SUCCESS', result: 10 });
    expect(sut.tasks.map((task) => task.state)).toEqual(Array(20).fill('SUCCESS'));
    expect(await steps.values()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Ten record steps, one of which ran twice: the killed run recorded nothing.
    expect(await steps.started()).toHaveLength(11);
  });
});
