import { BeatCatalog } from '../../src/beat/beat-catalog';
import { BeatScheduler } from '../../src/beat/beat.scheduler';
import { tickTaskId } from '../../src/beat/tick-task-id';
import type { EnqueuedTask } from '../../src/tasks/admin/dto/enqueued-task.response';
import type { TaskStatus } from '../../src/tasks/admin/dto/task-status.response';
import type { TaskState } from '../../src/tasks/runtime/task-state';
import { pollUntil } from '../support/poll';
import { TestRedisCluster } from '../support/redis-cluster';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

describe('queues on a Redis Cluster (e2e, three masters)', () => {
  let cluster: TestRedisCluster;
  let environment: TestEnvironment;
  let app: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
    environment = createTestEnvironment();
    admin = { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
    // Disabled: only the test's own tick enqueues it, so the job counts below are exact.
    const schedule = { 'update-banner-list': { enabled: false }, sum: { task: 'add', every: '1h', args: [20, 22], enabled: false } };
    app = await startTestApp('api,worker,beat', {
      ...environment.env,
      LOG_LEVEL: 'warn',
      QUEUE_REDIS_CLUSTER: 'true',
      QUEUE_REDIS_URL: cluster.url(),
      BEAT_SCHEDULE: JSON.stringify(schedule),
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
    await environment?.dispose();
  });

  const enqueue = async (body: object): Promise<EnqueuedTask> => {
    const response = await fetch(`${app.url}/api/admin/tasks`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
    expect(response.status).toBe(202);
    return (await response.json()) as EnqueuedTask;
  };
  const status = async (id: string): Promise<TaskStatus> => {
    const response = await fetch(`${app.url}/api/admin/tasks/${id}`, { headers: admin });
    expect(response.status).toBe(200);
    return (await response.json()) as TaskStatus;
  };
  const until = (id: string, state: TaskState) =>
    pollUntil(
      () => status(id),
      (task) => task.state === state,
      `task ${id} to be ${state}`,
    );

  it('runs an enqueued task and answers its result', async () => {
    const { id } = await enqueue({ name: 'add', args: [1, 2] });

    await expect(until(id, 'SUCCESS')).resolves.toMatchObject({ result: 3 });
  });

  it('holds a delayed task until its countdown, then runs it', async () => {
    const { id, eta } = await enqueue({ name: 'add', args: [2, 3], countdown: 2 });

    expect((await status(id)).state).toBe('PENDING');
    const done = await until(id, 'SUCCESS');
    expect(done.result).toBe(5);
    expect(Date.parse(done.startedAt!)).toBeGreaterThanOrEqual(Date.parse(eta!));
  });

  it('claims a beat tick once and runs its task', async () => {
    const sut = app.app.get(BeatScheduler);
    const entry = app.app
      .get(BeatCatalog)
      .all()
      .find((candidate) => candidate.name === 'sum')!;
    const tick = new Date(Date.UTC(2030, 0, 1));

    await expect(sut.tick(entry, tick)).resolves.toBe('enqueued');
    await expect(sut.tick(entry, tick)).resolves.toBe('claimed-elsewhere');
    await expect(until(tickTaskId('sum', tick), 'SUCCESS')).resolves.toMatchObject({ result: 42 });
  });

  it('keeps every queue key on one node, under the hash-tagged prefix', async () => {
    const prefix = `{${environment.env.QUEUE_PREFIX}}`;
    const keysByNode = await Promise.all(
      cluster.ports.map(async (port) => {
        const node = cluster.node(port);
        try {
          return await node.keys('*');
        } finally {
          node.disconnect();
        }
      }),
    );

    const holders = keysByNode.filter((keys) => keys.length > 0);
    expect(holders).toHaveLength(1);
    expect(holders[0].every((key) => key.startsWith(`${prefix}:`))).toBe(true);
    expect(holders[0]).toEqual(
      expect.arrayContaining([`${prefix}:default:completed`, `${prefix}:default:beat:sum`, `${prefix}:default:heartbeats`]),
    );
  });

  it('reports the cluster ready, counts its jobs and shows them on the dashboard', async () => {
    expect((await fetch(`${app.url}/api/health/ready`)).status).toBe(200);
    const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` } });
    expect(await metrics.text()).toContain('queue_jobs{queue="default",state="completed"} 3');
    const login = `Basic ${Buffer.from(`admin:${environment.env.ADMIN_TOKEN}`).toString('base64')}`;
    const dashboard = await fetch(`${app.url}/admin/queues/api/queues?activeQueue=default&status=completed`, {
      headers: { authorization: login },
    });
    expect(dashboard.status).toBe(200);
    const { queues } = (await dashboard.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    expect(queues.find((queue) => queue.name === 'default')?.counts.completed).toBe(3);
  });

  // Last: its jobs would change the counts above.
  it('runs a chord, with every key of the workflow in the slot of its queue', async () => {
    const prefix = `{${environment.env.QUEUE_PREFIX}}`;
    const header = Array.from({ length: 10 }, (_, i) => ({ name: 'add', args: [i, i] }));
    const response = await fetch(`${app.url}/api/admin/workflows`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ chord: { header, body: { name: 'xsum' } } }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    const sut = await pollUntil(
      async () =>
        (await (await fetch(`${app.url}/api/admin/workflows/${id}`, { headers: admin })).json()) as { state: string; result: unknown },
      (workflow) => workflow.state !== 'PENDING' && workflow.state !== 'STARTED',
      `workflow ${id} to finish`,
    );

    // The chord's count is a script over several keys: a key in another slot would fail it (CROSSSLOT).
    expect(sut).toMatchObject({ state: 'SUCCESS', result: 90 });
    const workflowKeys = ['', ':results', ':done:r.h'].map((suffix) => `${prefix}:default:workflow:${id}${suffix}`);
    const node = cluster.node(cluster.ports[0]);
    try {
      const slots = await Promise.all([`${prefix}:default:wait`, ...workflowKeys].map((key) => node.cluster('KEYSLOT', key)));
      expect(new Set(slots).size).toBe(1);
    } finally {
      node.disconnect();
    }
  });
});
