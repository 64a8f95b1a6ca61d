import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { jsonBody } from '../support/json-body';
import { MainProcess } from '../support/main-process';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** What the tests read of an answer's body: a task's or a workflow's id, and a workflow's tasks. */
interface AnswerBody {
  id: string;
  tasks?: unknown[];
}

interface Answer {
  status: number;
  body: AnswerBody;
}

/** How many clients retry one POST at the same time. */
const DUPLICATES = 20;

/**
 * A caller's task id and `Idempotency-Key`: a request sent again never creates a second task or
 * workflow. No worker runs, so every task stays PENDING and can be counted.
 */
describe('idempotent enqueue (e2e, real Redis broker)', () => {
  let environment: TestEnvironment;
  let sut: TestApp;

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${sut.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await jsonBody<AnswerBody>(response) };
  };

  /** The kept `add` tasks whose first argument is `marker`. */
  const tasksMarked = async (marker: number): Promise<{ id: string }[]> => {
    const response = await fetch(`${sut.url}/api/admin/tasks?name=add&limit=100`, {
      headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` },
    });
    return ((await response.json()) as { id: string; args: unknown[] }[]).filter((task) => task.args[0] === marker);
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    sut = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'error' });
  });

  afterAll(async () => {
    await sut?.close();
    await environment.dispose();
  });

  describe('a caller-chosen id', () => {
    it('creates the task once (202), then answers 200 with its status and changes nothing', async () => {
      const id = randomUUID();

      const first = await post('/api/admin/tasks', { name: 'add', args: [1, 2], id });
      const again = await post('/api/admin/tasks', { name: 'add', args: [1, 2], id });
      const other = await post('/api/admin/tasks', { name: 'add', args: [1, 3], id });

      expect(first).toEqual({ status: 202, body: { id, name: 'add', state: 'PENDING', eta: null } });
      expect(again).toEqual({ status: 200, body: expect.objectContaining({ id, name: 'add', state: 'PENDING', args: [1, 2] }) });
      expect(other).toEqual({ status: 200, body: expect.objectContaining({ id, args: [1, 2] }) });
      expect(await tasksMarked(1)).toHaveLength(1);
    });

    it('refuses an id that is not a UUID', async () => {
      const answer = await post('/api/admin/tasks', { name: 'add', args: [1, 2], id: 'task-1' });

      expect(answer).toMatchObject({ status: 400, body: { code: 'TASK_INVALID_ID' } });
    });

    it('is taken by the CLI as --id, which prints the id and leaves a kept task as it is', async () => {
      const id = randomUUID();
      const enqueue = async () => {
        const cli = new MainProcess(['enqueue', 'add', '7', '8', '--id', id], environment.env);
        return { code: await cli.exitCode(), lines: cli.lines };
      };

      await expect(enqueue()).resolves.toEqual({ code: 0, lines: [id] });
      await expect(enqueue()).resolves.toEqual({ code: 0, lines: [id, 'A task with this id is already kept (PENDING): nothing changed'] });
      expect(await tasksMarked(7)).toEqual([expect.objectContaining({ id })]);
    });
  });

  describe('Idempotency-Key on POST /api/admin/tasks', () => {
    it(`creates exactly one task for ${DUPLICATES} concurrent requests with one key, and each names it`, async () => {
      const key = randomUUID();
      const body = { name: 'add', args: [2, 5] };

      const answers = await Promise.all(
        Array.from({ length: DUPLICATES }, () => post('/api/admin/tasks', body, { 'idempotency-key': key })),
      );

      const tasks = await tasksMarked(2);
      expect(tasks).toHaveLength(1);
      expect(answers.map((answer) => answer.body.id)).toEqual(Array(DUPLICATES).fill(tasks[0].id));
      expect(answers.filter((answer) => answer.status === 202).length).toBeGreaterThanOrEqual(1);
      expect(answers.every((answer) => answer.status === 202 || answer.status === 200)).toBe(true);
    });

    it('answers a later request with the key 200 and the task first created for it', async () => {
      const key = randomUUID();
      const body = { name: 'add', args: [3, 5], kwargs: {} };
      const first = await post('/api/admin/tasks', body, { 'idempotency-key': key });

      // The same body with its keys in another order is the same request.
      const again = await post('/api/admin/tasks', { kwargs: {}, args: [3, 5], name: 'add' }, { 'idempotency-key': key });

      expect(first.status).toBe(202);
      expect(again).toEqual({ status: 200, body: expect.objectContaining({ id: first.body.id, state: 'PENDING', args: [3, 5] }) });
      expect(await tasksMarked(3)).toHaveLength(1);
    });

    it('refuses the key with another body: 422 IDEMPOTENCY_KEY_REUSED, and creates nothing', async () => {
      const key = randomUUID();
      await post('/api/admin/tasks', { name: 'add', args: [4, 5] }, { 'idempotency-key': key });

      const answer = await post('/api/admin/tasks', { name: 'add', args: [4, 6] }, { 'idempotency-key': key });

      expect(answer).toMatchObject({ status: 422, body: { statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' } });
      expect(await tasksMarked(4)).toHaveLength(1);
    });

    it.each([
      ['too long', 'k'.repeat(256)],
      ['spaced', 'retry of order 5'],
    ])('refuses a key that is %s with 400 IDEMPOTENCY_KEY_INVALID', async (_, key) => {
      const answer = await post('/api/admin/tasks', { name: 'add', args: [1, 1] }, { 'idempotency-key': key });

      expect(answer).toMatchObject({ status: 400, body: { code: 'IDEMPOTENCY_KEY_INVALID' } });
    });
  });

  describe('Idempotency-Key on POST /api/admin/workflows', () => {
    const canvas = (n: number) => ({
      chain: [
        { name: 'add', args: [n, 1] },
        { name: 'add', args: [1] },
      ],
    });

    it(`submits one workflow for ${DUPLICATES} concurrent requests with one key; a later one answers 200 with its status`, async () => {
      const key = randomUUID();

      const answers = await Promise.all(
        Array.from({ length: DUPLICATES }, () => post('/api/admin/workflows', canvas(50), { 'idempotency-key': key })),
      );
      const later = await post('/api/admin/workflows', canvas(50), { 'idempotency-key': key });

      const id = answers[0].body.id;
      expect(answers.map((answer) => answer.body.id)).toEqual(Array(DUPLICATES).fill(id));
      expect(answers.every((answer) => answer.status === 202 || answer.status === 200)).toBe(true);
      expect(later).toEqual({ status: 200, body: expect.objectContaining({ id, state: 'PENDING' }) });
      expect(later.body.tasks).toHaveLength(1);
      expect(await tasksMarked(50)).toHaveLength(1);
    });

    it('refuses the key with another canvas: 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const key = randomUUID();
      expect((await post('/api/admin/workflows', canvas(60), { 'idempotency-key': key })).status).toBe(202);

      const answer = await post('/api/admin/workflows', canvas(61), { 'idempotency-key': key });

      expect(answer).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      expect(await tasksMarked(61)).toHaveLength(0);
    });
  });
});
