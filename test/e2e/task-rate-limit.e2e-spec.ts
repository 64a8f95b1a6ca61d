import type { TaskStatus } from '../../src/tasks/admin/dto/task-status.response';
import { freePort } from '../support/free-port';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/**
 * A rate limit across workers: two `node dist/main --role=worker` child processes (run `npm run
 * build` first) share `add` at 10/s, set by TASK_ANNOTATIONS as a deployment would. One attempt
 * only: a wait that used one would fail the task.
 */
describe('rateLimit across workers (e2e, real Redis broker)', () => {
  const RATE = { limit: 10, windowMs: 1_000 };
  const TASKS = 50;
  let environment: TestEnvironment;
  let env: Record<string, string>;
  let client: TaskClient;
  const workers: { process: MainProcess; metricsPort: number }[] = [];

  beforeAll(async () => {
    environment = createTestEnvironment();
    env = { ...environment.env, TASK_ANNOTATIONS: JSON.stringify({ add: { rateLimit: '10/s', maxRetries: 0 } }) };
    client = await startTaskClient({ ...env, LOG_LEVEL: 'error' });
    for (let index = 0; index < 2; index++) {
      const metricsPort = await freePort();
      const process = new MainProcess(['--role=worker'], { ...env, METRICS_PORT: String(metricsPort) });
      workers.push({ process, metricsPort });
      await process.ready();
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map(({ process }) => process.stop()));
    await client?.close();
    await environment.dispose();
  });

  it('starts at most 10 in any second of two workers; the others wait PENDING, and all succeed', async () => {
    const ids: string[] = [];
    for (let n = 0; n < TASKS; n++) ids.push((await client.tasks.delay('add', n, 1)).id);

    // Put off by the limiter, a task waits in Bull's delayed set (none was enqueued with a delay):
    // the last in line waits seconds, and reads PENDING meanwhile.
    const delayedKey = `${env.QUEUE_PREFIX}:default:delayed`;
    const [lastInLine] = await pollUntil(
      () => client.redis.zrevrange(delayedKey, 0, 0),
      (found) => found.length === 1,
      'a task to wait for the rate limit',
    );
    await expect(client.tasks.result(lastInLine)).resolves.toMatchObject({
      state: 'PENDING',
      error: null,
      retries: 0,
      startedAt: null,
    });

    const statuses: TaskStatus[] = [];
    for (const id of ids) statuses.push(await client.waitForState(id, ['SUCCESS', 'FAILURE', 'REVOKED']));
    expect(statuses.map(({ state, result, retries }) => ({ state, result, retries }))).toEqual(
      ids.map((_, n) => ({ state: 'SUCCESS', result: n + 1, retries: 0 })),
    );
    // startedAt is the moment the limiter granted the start, on the Redis clock every worker shares
    // (10 a window is too few to lease starts: each asked).
    const starts = statuses.map((status) => Date.parse(status.startedAt!)).sort((a, b) => a - b);
    const crowdedWindows = starts
      .map((start) => ({
        from: new Date(start).toISOString(),
        starts: starts.filter((other) => other >= start && other < start + RATE.windowMs).length,
      }))
      .filter((window) => window.starts > RATE.limit);
    expect(crowdedWindows).toEqual([]);
    // Both workers started some, and the limit held across them.
    for (const { process } of workers) expect(process.lines.some((line) => line.includes('"msg":"Task started"'))).toBe(true);
    const rateLimited = await Promise.all(
      workers.map(async ({ metricsPort }) => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return Number(/^task_rate_limited_total\{task="add"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      }),
    );
    expect(rateLimited[0] + rateLimited[1]).toBeGreaterThan(0);
    expect(workers.flatMap(({ process }) => process.lines).filter((line) => line.includes('"msg":"Task failed"'))).toEqual([]);
    // A task without a limit never asks the limiter.
    const { id: unlimited } = await client.tasks.delay('low', 3, 1);
    await expect(client.waitForState(unlimited, ['SUCCESS'])).resolves.toMatchObject({ result: 2 });
    const limiterKeys = await client.redis.keys(`${env.QUEUE_PREFIX}:rate-limit:*`);
    expect(limiterKeys.map((key) => key.slice(env.QUEUE_PREFIX.length))).toEqual(expect.arrayContaining([':rate-limit:add:starts']));
    expect(limiterKeys.filter((key) => !key.startsWith(`${env.QUEUE_PREFIX}:rate-limit:add:`))).toEqual([]);
  });
});
