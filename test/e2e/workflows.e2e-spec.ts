import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AppError } from '../../src/common/app-error';
import type { TaskStatus } from '../../src/tasks/admin/dto/task-status.response';
import { QUEUES, TaskQueues } from '../../src/tasks/runtime/queues';
import { TaskLifecycle } from '../../src/tasks/runtime/task-lifecycle';
import type { TaskState } from '../../src/tasks/runtime/task-state';
import type { Canvas, SubmittedWorkflow, WorkflowState } from '../../src/tasks/task-workflows';
import { recordKeys } from '../fixtures/testing-tasks/record.task';
import { WAIT_TASK } from '../fixtures/testing-tasks/wait.task';
import { MAX_WORKFLOW_DEPTH, MAX_WORKFLOW_TASKS } from '../../src/tasks/workflows/canvas';
import { uuidV5Of } from '../../src/tasks/workflows/uuid-v5';
import { WorkflowsService } from '../../src/tasks/workflows/workflows.service';
import { pollUntil } from '../support/poll';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const add = (...args: number[]) => ({ name: 'add', args });
const FINAL: WorkflowState[] = ['SUCCESS', 'FAILURE', 'REVOKED'];
const TASK_FINAL: TaskState[] = ['SUCCESS', 'FAILURE', 'REVOKED'];

/**
 * The workflow routes of an in-process api and TasksService, with an in-process worker, on the real
 * Redis broker. Workers in child processes, killed mid-workflow, are in workflows-workers.e2e-spec.ts.
 */
describe('/api/admin/workflows (e2e, real Redis broker)', () => {
  let environment: TestEnvironment;
  let api: TestApp;
  let worker: TestApp;
  let client: TaskClient;

  const request = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.url}/api/admin/workflows${path}`, {
      method,
      headers: {
        authorization: `Bearer ${environment.env.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const submit = async (canvas: unknown) => {
    const response = await request('POST', '', canvas);
    expect(response).toMatchObject({ status: 202 });
    return response.body as unknown as SubmittedWorkflow;
  };
  const status = (id: string) => client.tasks.workflow(id);
  /**
   * Resolves once the workflow reached one of the states and each of its tasks has finished: a
   * worker reports a task before Bull marks it done, so the workflow can end a moment before.
   */
  const waitFor = (id: string, states = FINAL) =>
    pollUntil(
      () => status(id),
      (workflow) => states.includes(workflow.state) && workflow.tasks.every((task) => TASK_FINAL.includes(task.state)),
      `workflow ${id} to reach ${states.join(' or ')} with its tasks finished`,
    );
  const taskOrNull = (id: string) => client.tasks.result(id).catch(() => null);
  const recorded = async (list: string) => {
    const keys = recordKeys(`e2e-queue-${environment.id}`, list);
    return (await client.redis.lrange(keys.values, 0, -1)).map((value) => JSON.parse(value) as unknown);
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    api = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'error' });
    worker = await startTestApp('worker', { ...environment.env, LOG_LEVEL: 'error' });
    client = await startTaskClient({ ...environment.env, LOG_LEVEL: 'error' });
  });

  afterAll(async () => {
    await client?.close();
    await worker?.close();
    await api?.close();
    await environment.dispose();
  });

  describe('each kind', () => {
    it('runs the chain add(2, 2) | add(4) | low(1) → 7, each step with the previous result first', async () => {
      const submitted = await submit({ chain: [add(2, 2), add(4), { name: 'low', args: [1] }] });
      expect(submitted).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        kind: 'chain',
        state: 'PENDING',
        tasks: expect.any(Array),
      });
      expect(submitted.tasks).toHaveLength(3);

      await waitFor(submitted.id);
      const sut = await request('GET', `/${submitted.id}`);

      expect(sut.status).toBe(200);
      expect(sut.body).toEqual({
        id: submitted.id,
        kind: 'chain',
        state: 'SUCCESS',
        result: 7,
        error: null,
        tasks: expect.any(Array),
        createdAt: expect.any(String),
        finishedAt: expect.any(String),
      });
      const tasks = sut.body.tasks as TaskStatus[];
      expect(tasks.map(({ id, name, args, result }) => ({ id, name, args, result }))).toEqual([
        { id: submitted.tasks[0], name: 'add', args: [2, 2], result: 4 },
        { id: submitted.tasks[1], name: 'add', args: [4, 4], result: 8 },
        { id: submitted.tasks[2], name: 'low', args: [8, 1], result: 7 },
      ]);
      expect(tasks.map((task) => [task.workflowId, task.parentId])).toEqual([
        [submitted.id, null],
        [submitted.id, submitted.tasks[0]],
        [submitted.id, submitted.tasks[1]],
      ]);
      // A step seen alone leads back to its workflow.
      await expect(client.tasks.result(submitted.tasks[2])).resolves.toMatchObject({ workflowId: submitted.id });
    });

    it('returns the results of a group in the order given, not the order they finished', async () => {
      const list = randomUUID();
      const members = [300, 0, 150].map((ms, index) => ({ name: 'testing.record', args: [`member ${index}`, list, ms] }));
      const submitted = await submit({ group: members });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ kind: 'group', state: 'SUCCESS', result: ['member 0', 'member 1', 'member 2'] });
      expect(await recorded(list)).toEqual(['member 1', 'member 2', 'member 0']);
    });

    it('runs the chord of add(i, i) for i in 0..9 with xsum once, with the ordered results', async () => {
      const header = Array.from({ length: 10 }, (_, i) => add(i, i));
      const submitted = await submit({ chord: { header, body: { name: 'xsum' } } });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ kind: 'chord', state: 'SUCCESS', result: 90 });
      expect(sut.tasks.at(-1)).toMatchObject({ id: submitted.tasks[10], name: 'xsum', args: [header.map((_, i) => 2 * i)] });
    });

    it('runs one signature with its link, which receives the result', async () => {
      const submitted = await submit({ name: 'add', args: [2, 2], options: { link: { name: 'low', args: [1] } } });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ kind: 'signature', state: 'SUCCESS', result: 4 });
      const link = await client.waitForState(uuidV5Of(submitted.id)('r!link'), ['SUCCESS', 'FAILURE']);
      expect(link).toMatchObject({ name: 'low', args: [4, 1], result: 3, workflowId: submitted.id, parentId: submitted.tasks[0] });
    });

    it('offers chain, group, chord and workflow on TasksService', async () => {
      const chain = await client.tasks.chain(add(2, 2), add(4), { name: 'low', args: [1] });
      const group = await client.tasks.group(add(1, 1), add(2, 2));
      const chord = await client.tasks.chord([add(1, 1), add(2, 2)], { name: 'xsum' });

      await expect(waitFor(chain.id)).resolves.toMatchObject({ kind: 'chain', result: 7 });
      await expect(waitFor(group.id)).resolves.toMatchObject({ kind: 'group', result: [2, 4] });
      await expect(waitFor(chord.id)).resolves.toMatchObject({ kind: 'chord', result: 6 });
    });
  });

  describe('composition', () => {
    it('makes a chord of a group followed by a step in a chain, as Celery does', async () => {
      const submitted = await submit({ chain: [{ group: [add(1, 1), add(2, 2)] }, { name: 'xsum' }] });

      await expect(waitFor(submitted.id)).resolves.toMatchObject({ state: 'SUCCESS', result: 6 });
    });

    it('nests chains, groups and chords, each passing its result on', async () => {
      // add(1, 1) = 2; the group gives [add(2, 10), add(add(2, 100), 1000)] = [12, 1102]; xsum = 1114;
      // then a chord whose members each receive 1114.
      const canvas: Canvas = {
        chain: [
          add(1, 1),
          { group: [add(10), { chain: [add(100), add(1000)] }] },
          { name: 'xsum' },
          { chord: { header: [add(1), add(2)], body: { name: 'xsum' } } },
        ],
      };

      const sut = await waitFor((await submit(canvas)).id);

      expect(sut).toMatchObject({ state: 'SUCCESS', result: 1115 + 1116 });
      expect(sut.tasks).toHaveLength(8);
    });

    it('gives an immutable step its own arguments only', async () => {
      const submitted = await submit({ chain: [add(1, 1), { name: 'add', args: [5, 5], immutable: true }, add(1)] });

      await expect(waitFor(submitted.id)).resolves.toMatchObject({ state: 'SUCCESS', result: 11 });
    });

    it(`runs groups and chains nested ${MAX_WORKFLOW_DEPTH} deep`, async () => {
      // group [add(1, 1)] → [2]; chain [that, xsum] → 2; and so on, 8 levels.
      let canvas: Canvas = add(1, 1);
      for (let level = 1; level <= MAX_WORKFLOW_DEPTH; level++) {
        canvas = level % 2 ? { group: [canvas] } : { chain: [canvas, { name: 'xsum' }] };
      }

      const sut = await waitFor((await submit(canvas)).id);

      expect(sut).toMatchObject({ kind: 'chain', state: 'SUCCESS', result: 2 });
    });
  });

  describe('failure', () => {
    it('fails the chain at a step that fails for good; later steps never run', async () => {
      const fail = { name: 'testing.fail', args: ['the printer is on fire'], immutable: true };
      const submitted = await submit({ chain: [add(1, 1), fail, add(1)] });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ state: 'FAILURE', result: null, finishedAt: expect.any(String) });
      expect(sut.error).toContain('the printer is on fire');
      expect(sut.tasks.map((task) => task.state)).toEqual(['SUCCESS', 'FAILURE']);
      await expect(taskOrNull(submitted.tasks[2])).resolves.toBeNull();
    });

    it('fails the chord when a header member fails for good; the body never runs', async () => {
      const header = [add(1, 1), { name: 'testing.fail', args: ['member down'] }, add(2, 2)];
      const submitted = await submit({ chord: { header, body: { name: 'xsum' } } });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ state: 'FAILURE', error: expect.stringContaining('member down') });
      await pollUntil(
        () => Promise.all(submitted.tasks.slice(0, 3).map(taskOrNull)),
        (tasks) => tasks.every((task) => task?.state === 'SUCCESS' || task?.state === 'FAILURE'),
        'the header to finish',
      );
      await expect(taskOrNull(submitted.tasks[3])).resolves.toBeNull();
    });

    it('fails the workflow at a step that cannot take its input, and the step before stays a success', async () => {
      const submitted = await submit({ chain: [add(1, 1), { group: [add(1), add(2)] }, add(1)] });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ state: 'FAILURE', error: expect.stringContaining(`add (${submitted.tasks[3]}) cannot take its input`) });
      expect(sut.error).toContain('argument "n" must be a number (got [3,4])');
      expect(sut.tasks.map((task) => task.state)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    });

    it('enqueues no member of a group when one cannot take its input', async () => {
      const submitted = await submit({ chain: [add(1, 1), { group: [add(1), { name: 'xsum' }] }] });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ state: 'FAILURE', error: expect.stringContaining(`xsum (${submitted.tasks[2]}) cannot take its input`) });
      expect(sut.tasks.map((task) => task.id)).toEqual([submitted.tasks[0]]);
    });

    it('enqueues linkError with the failed task id when a task fails for good', async () => {
      const submitted = await submit({ name: 'testing.fail', args: ['boom'], options: { linkError: { name: 'test_task' } } });

      await expect(waitFor(submitted.id)).resolves.toMatchObject({ state: 'FAILURE' });
      // The failure shows as soon as Bull stores it; the worker's report, which enqueues the errback, follows.
      const errback = await pollUntil(
        () => taskOrNull(uuidV5Of(submitted.id)('r!linkError')),
        (task) => task?.state === 'SUCCESS' || task?.state === 'FAILURE',
        'the errback to finish',
      );
      expect(errback).toMatchObject({ name: 'test_task', args: [submitted.tasks[0]], state: 'SUCCESS', parentId: submitted.tasks[0] });
    });
  });

  describe('revoke', () => {
    it('revokes every task that has not started and answers the status; a second revoke is a 409', async () => {
      const later = { countdown: 60 };
      const submitted = await submit({
        group: [
          { ...add(1, 1), options: later },
          { ...add(2, 2), options: later },
        ],
      });

      const sut = await request('DELETE', `/${submitted.id}`);

      expect(sut.status).toBe(200);
      expect(sut.body).toMatchObject({ id: submitted.id, state: 'REVOKED', result: null, error: null, finishedAt: expect.any(String) });
      expect((sut.body.tasks as TaskStatus[]).map((task) => task.state)).toEqual(['REVOKED', 'REVOKED']);
      await expect(request('DELETE', `/${submitted.id}`)).resolves.toMatchObject({ status: 409, body: { code: 'WORKFLOW_FINISHED' } });
    });

    it('stops a chain at the running step: the next one is never run', async () => {
      const gate = client.gate(randomUUID());
      const submitted = await submit({ chain: [{ name: 'testing.gate', args: [gate.name] }, add(1)] });
      await pollUntil(
        () => gate.started(),
        (pids) => pids.length === 1,
        'the gate step to start',
      );

      await expect(request('DELETE', `/${submitted.id}`)).resolves.toMatchObject({ status: 200, body: { state: 'REVOKED' } });
      await gate.open();

      // The step is reported before it shows SUCCESS: by then the next one would be enqueued.
      await client.waitForState(submitted.tasks[0], ['SUCCESS']);
      await expect(taskOrNull(submitted.tasks[1])).resolves.toBeNull();
      await expect(status(submitted.id)).resolves.toMatchObject({ state: 'REVOKED', result: null });
    });

    it('shows the workflow REVOKED when one of its tasks is revoked on its own, and runs nothing after it', async () => {
      const submitted = await submit({ chain: [{ ...add(1, 1), options: { countdown: 60 } }, add(1)] });

      await client.tasks.revoke(submitted.tasks[0]);

      await expect(status(submitted.id)).resolves.toMatchObject({ state: 'REVOKED', result: null });
      await expect(taskOrNull(submitted.tasks[1])).resolves.toBeNull();
    });

    it('answers 409 for a workflow that has finished', async () => {
      const submitted = await submit({ chain: [add(1, 1)] });
      await waitFor(submitted.id);

      await expect(request('DELETE', `/${submitted.id}`)).resolves.toMatchObject({ status: 409, body: { code: 'WORKFLOW_FINISHED' } });
    });
  });

  describe('exactly once', () => {
    it('counts a chord member whose completion is processed twice once', async () => {
      const gate = client.gate(randomUUID());
      const header = [add(1, 1), { name: 'testing.gate', args: [gate.name] }];
      const submitted = await submit({ chord: { header, body: { name: 'xsum' } } });
      const first = await client.waitForState(submitted.tasks[0], ['SUCCESS']);
      await pollUntil(
        () => gate.started(),
        (pids) => pids.length === 1,
        'the gate member to start',
      );

      // Replays of the first member's completion, as a worker killed after reporting it would cause.
      const lifecycle = worker.app.get(TaskLifecycle);
      const lineage = { workflowId: submitted.id, parentId: null, node: 'r.h.0' };
      const replayed = { id: first.id, name: first.name, data: { args: first.args, kwargs: first.kwargs, eta: null, lineage } };
      await lifecycle.finished({ ...replayed, state: 'SUCCESS', result: 2 });
      await lifecycle.finished({ ...replayed, state: 'SUCCESS', result: 2 });

      await expect(taskOrNull(submitted.tasks[2])).resolves.toBeNull();
      await gate.open();
      const sut = await waitFor(submitted.id);
      const [pid] = await gate.finished();
      expect(sut).toMatchObject({ state: 'SUCCESS', result: 2 + pid });
      expect(sut.tasks[2]).toMatchObject({ name: 'xsum', args: [[2, pid]], retries: 0 });

      // A replay after the body was enqueued enqueues the same body: nothing changes.
      await lifecycle.finished({ ...replayed, state: 'SUCCESS', result: 2 });
      await expect(status(submitted.id)).resolves.toEqual(sut);
    });

    it('counts the reports that reach the workflow together once each, replays among them', async () => {
      const gate = client.gate(randomUUID());
      const header = [add(1, 1), add(2, 2), { name: 'testing.gate', args: [gate.name] }];
      const submitted = await submit({ chord: { header, body: { name: 'xsum' } } });
      const members = await Promise.all(submitted.tasks.slice(0, 2).map((id) => client.waitForState(id, ['SUCCESS'])));
      await pollUntil(
        () => gate.started(),
        (pids) => pids.length === 1,
        'the gate member to start',
      );

      // Reported in one turn, these go to the broker in one call of the counting script.
      const scriptCalls = jest.spyOn(worker.app.get(TaskQueues).failFast(QUEUES.default).client, 'eval');
      const lifecycle = worker.app.get(TaskLifecycle);
      const replay = (index: number) => {
        const { id, name, args, kwargs, result } = members[index];
        const lineage = { workflowId: submitted.id, parentId: null, node: `r.h.${index}` };
        return lifecycle.finished({ id, name, data: { args, kwargs, eta: null, lineage }, state: 'SUCCESS', result });
      };
      let counted: unknown[][];
      try {
        await Promise.all([replay(1), replay(0), replay(1), replay(0)]);
        // A member's job does not wait for its count: the call follows.
        await pollUntil(
          () => Promise.resolve(scriptCalls.mock.calls.filter(([script]) => String(script).includes("'SADD'")).length),
          (calls) => calls > 0,
          'the counting call',
        );
      } finally {
        counted = scriptCalls.mock.calls.filter(([script]) => String(script).includes("'SADD'"));
        scriptCalls.mockRestore();
      }
      await expect(taskOrNull(submitted.tasks[3])).resolves.toBeNull();
      await gate.open();
      const sut = await waitFor(submitted.id);
      const [pid] = await gate.finished();
      expect(sut).toMatchObject({ state: 'SUCCESS', result: 2 + 4 + pid });
      expect(sut.tasks[3]).toMatchObject({ name: 'xsum', args: [[2, 4, pid]], retries: 0 });
      // Each call: the script, 4 keys, size, TTL, prefix, workflow id, next check, then an index and a result per report.
      expect(counted.map((call) => call.slice(11))).toEqual([[1, '4', 0, '2', 1, '4', 0, '2']]);
    });

    it('gives every workflow key a TTL', async () => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.redis.scan(cursor, 'MATCH', `e2e-queue-${environment.id}:default:workflow:*`, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');

      expect(keys.length).toBeGreaterThan(10);
      const ttls = await Promise.all(keys.map((key) => client.redis.pttl(key)));
      const resultTtlMs = 24 * 60 * 60 * 1000;
      expect(keys.filter((_, index) => !(ttls[index] > 0 && ttls[index] <= resultTtlMs))).toEqual([]);
    });
  });

  describe('the per-call options of a step', () => {
    /** The job as Bull holds it: the call's data, which carries its limits. */
    const jobData = async (queue: string, id: string) =>
      JSON.parse((await client.redis.hget(`${environment.env.QUEUE_PREFIX}:${queue}:${id}`, 'data')) ?? 'null') as Record<string, unknown>;
    /** The final state the workers stored, once one is: a step's own state shows the workflow's before that. */
    const storedState = (id: string) =>
      pollUntil(
        () => client.redis.hget(`${environment.env.QUEUE_PREFIX}:${QUEUES.default}:workflow:${id}`, 'state'),
        (state) => state !== null,
        `workflow ${id} to have a stored final state`,
      );

    it('enqueues a later chain step, a chord body and a link with their own queue, priority, expires and limits', async () => {
      // add(1, 1) = 2; add(2, 1) = 3 on banner, its link low(3, 1) = 2; the chord's members 4 and 5; xsum = 9.
      const link = { name: 'low', args: [1], options: { queue: QUEUES.banner, priority: 4, timeLimit: 9 } };
      const step = {
        name: 'add',
        args: [1],
        options: { queue: QUEUES.banner, priority: 3, expires: 120, softTimeLimit: 5, timeLimit: 7, link },
      };
      const body = { name: 'xsum', options: { queue: QUEUES.banner, priority: 2, timeLimit: 11 } };
      const submitted = await submit({ chain: [add(1, 1), step, { chord: { header: [add(1), add(2)], body } }] });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ state: 'SUCCESS', result: 9 });
      const [first, second, , , last] = sut.tasks;
      expect(first).toMatchObject({ queue: QUEUES.default, priority: null, expires: null });
      expect(second).toMatchObject({ queue: QUEUES.banner, priority: 3, result: 3 });
      // Seconds from when the step was enqueued (its createdAt, after the first step finished), not from the submission.
      expect(Date.parse(second.expires ?? '') - Date.parse(second.createdAt)).toBe(120_000);
      expect(await jobData(QUEUES.banner, second.id)).toMatchObject({ softTimeLimit: 5, timeLimit: 7 });
      expect(last).toMatchObject({ id: submitted.tasks[4], name: 'xsum', queue: QUEUES.banner, priority: 2 });
      expect(await jobData(QUEUES.banner, last.id)).toMatchObject({ timeLimit: 11 });
      const linked = await client.waitForState(uuidV5Of(submitted.id)('r.1!link'), TASK_FINAL);
      expect(linked).toMatchObject({ name: 'low', result: 2, queue: QUEUES.banner, priority: 4 });
      expect(await jobData(QUEUES.banner, linked.id)).toMatchObject({ timeLimit: 9 });
    });

    it('fails a step that runs past its own timeLimit with TimeLimitExceeded, and the chain with it', async () => {
      // add(10000, 10000) = 20000 ms for testing.wait, which its 0.5 s limit stops.
      const submitted = await submit({ chain: [add(10_000, 10_000), { name: WAIT_TASK, options: { timeLimit: 0.5 } }, add(1)] });

      const sut = await waitFor(submitted.id);

      const error = 'TimeLimitExceeded: the run passed its time limit of 0.5 s';
      expect(sut).toMatchObject({ state: 'FAILURE', error: expect.stringContaining(error) });
      expect(sut.tasks.map(({ state, error }) => ({ state, error }))).toEqual([
        { state: 'SUCCESS', error: null },
        { state: 'FAILURE', error },
      ]);
      await expect(storedState(submitted.id)).resolves.toBe('FAILURE');
      await expect(taskOrNull(submitted.tasks[2])).resolves.toBeNull();
    });

    it('ends a later step whose expires has passed REVOKED, and the workflow with it, without its linkError', async () => {
      const expired = { name: 'add', args: [1], options: { expires: '2000-01-01T00:00:00Z', linkError: { name: 'test_task' } } };
      const submitted = await submit({ chain: [add(1, 1), expired, add(1)] });

      const sut = await waitFor(submitted.id);

      expect(sut).toMatchObject({ state: 'REVOKED', error: null, finishedAt: expect.any(String) });
      expect(sut.tasks.map(({ state, error }) => ({ state, error }))).toEqual([
        { state: 'SUCCESS', error: null },
        { state: 'REVOKED', error: 'expired' },
      ]);
      await expect(storedState(submitted.id)).resolves.toBe('REVOKED');
      await expect(taskOrNull(submitted.tasks[2])).resolves.toBeNull();
      await expect(taskOrNull(uuidV5Of(submitted.id)('r.1!linkError'))).resolves.toBeNull();
    });

    it('ends the workflow REVOKED, without its linkError, when its running step is terminated', async () => {
      const running = { name: WAIT_TASK, args: [30_000], options: { linkError: { name: 'test_task' } } };
      const submitted = await submit({ chain: [running, add(1)] });
      await client.waitForState(submitted.tasks[0], ['STARTED']);

      await client.tasks.revoke(submitted.tasks[0], { terminate: true });

      await expect(storedState(submitted.id)).resolves.toBe('REVOKED');
      await expect(waitFor(submitted.id)).resolves.toMatchObject({ state: 'REVOKED', error: null, tasks: [{ state: 'REVOKED' }] });
      await expect(taskOrNull(uuidV5Of(submitted.id)('r.0!linkError'))).resolves.toBeNull();
    });
  });

  describe('refused whole, with nothing enqueued', () => {
    const tooDeep = (): Canvas => {
      let canvas: Canvas = add(1, 1);
      for (let level = 0; level <= MAX_WORKFLOW_DEPTH; level++) canvas = { chain: [canvas] };
      return canvas;
    };

    it.each<[string, unknown, string, string]>([
      ['nested too deep', tooDeep(), 'WORKFLOW_TOO_DEEP', 'nest at most 8 deep'],
      [
        'too many tasks',
        { group: Array.from({ length: MAX_WORKFLOW_TASKS + 1 }, () => add(1, 1)) },
        'WORKFLOW_TOO_LARGE',
        'at most 10000 tasks',
      ],
      [
        'an unknown task in a nested step',
        { chain: [add(1, 1), { group: [add(1), { name: 'mul', args: [2] }] }] },
        'WORKFLOW_INVALID',
        'task r.1.1: Unknown task "mul"',
      ],
      [
        'bad arguments in the last step',
        { chain: [add(1, 1), add(2), { name: 'low', args: ['x'] }] },
        'WORKFLOW_INVALID',
        'argument "m" must be a number',
      ],
      [
        'too many arguments for a step that receives a result',
        { chain: [add(1, 1), add(2, 3)] },
        'WORKFLOW_INVALID',
        'task r.1 (its input comes first, then these arguments): Invalid arguments for task "add": takes 1 positional argument(s) but 2 were given',
      ],
      ['a bad eta', { name: 'add', args: [1, 1], options: { eta: '2030-01-01T10:00:00' } }, 'WORKFLOW_INVALID', 'has no time zone offset'],
      ['a bad link', { name: 'add', args: [1, 1], options: { link: { name: 'low', args: [1, 2] } } }, 'WORKFLOW_INVALID', 'link of task r'],
      [
        'a malformed canvas',
        { chord: { header: [], body: { name: 'xsum' } } },
        'WORKFLOW_INVALID',
        'workflow.chord.header: must be a non-empty array',
      ],
      ['not an object', 'add', 'WORKFLOW_INVALID', 'workflow: must be an object'],
    ])('answers 400 for %s', async (_, canvas, code, message) => {
      const before = await client.tasks.list({ limit: 100 });

      const sut = await request('POST', '', canvas);

      expect(sut).toMatchObject({ status: 400, body: { statusCode: 400, code, message: expect.stringContaining(message) } });
      expect(await client.tasks.list({ limit: 100 })).toEqual(before);
    });
  });

  describe('a bad option in a nested step: refused whole as POST /api/admin/tasks refuses the call, with nothing enqueued', () => {
    const postTask = async (body: unknown) => {
      const response = await fetch(`${api.url}/api/admin/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { code: string; message: string } };
    };
    /** The workflow's answer, and the code and message its one cause must have. */
    const refusedWith = async (canvas: unknown, expected: { code: string; message: string }, at: string) => {
      const before = await client.tasks.list({ limit: 100 });

      const sut = await request('POST', '', canvas);

      expect(sut).toMatchObject({
        status: 400,
        body: { statusCode: 400, code: 'WORKFLOW_INVALID', message: `Invalid workflow: ${at}: ${expected.message}` },
      });
      expect(sut.body.details).toMatchObject({ causes: [{ at, ...expected }] });
      expect(await client.tasks.list({ limit: 100 })).toEqual(before);
    };
    /** The option on a step nested at `at`: a group member inside a chain, a chord's body, a link. */
    const nested: [string, (options: object) => Canvas][] = [
      ['task r.1.1', (options) => ({ chain: [add(1, 1), { group: [add(1), { name: 'add', args: [2], options }] }] })],
      ['task r.b', (options) => ({ chord: { header: [add(1, 1), add(2, 2)], body: { name: 'xsum', options } } })],
      [
        'link of task r.0',
        (options) => ({ chain: [{ name: 'add', args: [1, 1], options: { link: { name: 'low', args: [1], options } } }, add(1)] }),
      ],
    ];

    it.each<[string, object]>([
      ['an unknown queue', { queue: 'nowhere' }],
      ['an expires of 0 seconds', { expires: 0 }],
      ['an expires without an offset', { expires: '2030-01-01T10:00:00' }],
      ['a softTimeLimit not below the timeLimit', { softTimeLimit: 5, timeLimit: 2 }],
      ['a timeLimit of 0', { timeLimit: 0 }],
      ['a negative softTimeLimit', { softTimeLimit: -1 }],
      ['a timeLimit past what a timer holds', { timeLimit: 1e9 }],
      ['both countdown and eta', { countdown: 1, eta: '2030-01-01T10:00:00Z' }],
    ])('answers 400 for %s, with the code and message of POST /api/admin/tasks', async (_, option) => {
      const call = await postTask({ name: 'add', args: [1, 1], ...option });
      expect(call.status).toBe(400);

      const { code, message } = call.body;
      for (const [at, canvas] of nested) await refusedWith(canvas(option), { code, message }, at);
    });

    it.each<[string, object]>([
      ['a priority above 10', { priority: 11 }],
      ['a priority that is no integer', { priority: 1.5 }],
    ])('answers 400 for %s, with the code and message TasksService.applyAsync refuses it with', async (_, option) => {
      // POST /api/admin/tasks refuses these in its body's validation (VALIDATION_FAILED), before the shared check.
      const refusal = (await client.tasks.applyAsync('add', { args: [1, 1], ...option }).catch((error: unknown) => error)) as AppError;
      expect(refusal).toMatchObject({ code: 'TASK_INVALID_OPTION' });

      for (const [at, canvas] of nested) await refusedWith(canvas(option), { code: refusal.code, message: refusal.message }, at);
    });

    it('names a bad option beside the other problems of its step, for every step', async () => {
      const sut = await request('POST', '', {
        chain: [
          { name: 'add', args: [1], options: { queue: 'nowhere' } },
          { name: 'low', args: [1], options: { timeLimit: 0, priority: 3 } },
        ],
      });

      expect(sut).toMatchObject({ status: 400, body: { code: 'WORKFLOW_INVALID' } });
      expect((sut.body.details as { causes: { at: string; code: string }[] }).causes.map(({ at, code }) => [at, code])).toEqual([
        ['task r.0', 'TASK_INVALID_ARGS'],
        ['task r.0', 'TASK_INVALID_OPTION'],
        ['task r.1', 'TASK_INVALID_OPTION'],
      ]);
    });
  });

  it('is for admins only', async () => {
    const sut = await fetch(`${api.url}/api/admin/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(add(1, 1)),
    });

    expect(sut.status).toBe(401);
  });

  it.each([randomUUID(), 'not-a-uuid'])('answers 404 for the unknown id %s', async (id) => {
    await expect(request('GET', `/${id}`)).resolves.toMatchObject({ status: 404, body: { code: 'WORKFLOW_NOT_FOUND' } });
    await expect(request('DELETE', `/${id}`)).resolves.toMatchObject({ status: 404, body: { code: 'WORKFLOW_NOT_FOUND' } });
  });

  // WorkflowsService sends the chord counts it still holds as the worker stops; that needs the
  // queues open, so Nest must shut its module down first (the shallower module goes first).
  it.each(['worker', 'api,worker'])('as %s, sends the counts it holds before the queues close', async (role) => {
    const sut = await startTestApp(role, { ...environment.env, LOG_LEVEL: 'error' });
    const order: string[] = [];
    const watched = [
      ['workflows', sut.app.get(WorkflowsService, { strict: false })],
      ['queues', sut.app.get(TaskQueues, { strict: false })],
    ] as const;
    for (const [name, instance] of watched) {
      const shutDown = instance.onApplicationShutdown.bind(instance);
      instance.onApplicationShutdown = async () => {
        order.push(`${name} began`);
        await shutDown();
        order.push(`${name} ended`);
      };
    }

    await sut.close();

    expect(order).toEqual(['workflows began', 'workflows ended', 'queues began', 'queues ended']);
  });

  it('documents the canvas with an example of each kind in OpenAPI', async () => {
    const document = (await (await fetch(`${api.url}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { examples?: object; schema?: object }> } }>>;
      components: { schemas: Record<string, unknown> };
    };

    const body = document.paths['/api/admin/workflows'].post.requestBody?.content['application/json'];

    expect(Object.keys(body?.examples ?? {})).toEqual(['signature', 'chain', 'group', 'chord']);
    const schemas = ['SignatureSchema', 'ChainSchema', 'GroupSchema', 'ChordSchema'];
    expect(body?.schema).toEqual({ oneOf: schemas.map((name) => ({ $ref: `#/components/schemas/${name}` })) });
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(schemas));
  });
});
