/**
 * The baseline: plain Bull, no Nest, with the application's queue settings and job options
 * (src/tasks/runtime/bull-options.ts, tasks.repository.ts, the task defaults). `worker <concurrency>`
 * runs add tasks; `producer` enqueues them on request, each due at its eta when the request gives
 * etas. The memory figure runs the worker from bare-bull-worker.cjs instead, the same in plain
 * JavaScript: keep the two in step.
 */
import { randomUUID } from 'node:crypto';
import Queue, { type JobOptions } from 'bull';
import { serveRequests } from '../lib/ipc.mts';
import { enqueueAll, type ProduceRequest } from './produce.mts';

const [mode, concurrency] = process.argv.slice(2);
const url = new URL(process.env.QUEUE_REDIS_URL ?? '');
const LOCK_MS = 30_000;
const KEEP = { age: 86_400, count: 10_000 };

/** What the app's `add` jobs carry, as far as this worker reads it. */
interface AddJob {
  args: [number, number];
  kwargs: object;
  eta: string | null;
}

const queue = new Queue<AddJob>('default', {
  redis: { host: url.hostname, port: Number(url.port), db: Number(url.pathname.slice(1) || 0) },
  prefix: process.env.QUEUE_PREFIX,
  settings: { lockDuration: LOCK_MS, lockRenewTime: LOCK_MS / 2, stalledInterval: LOCK_MS, maxStalledCount: 2 },
});

if (mode === 'worker') {
  void queue.process('*', Number(concurrency), (job) => Promise.resolve(job.data.args[0] + job.data.args[1]));
}

serveRequests(async (body) => {
  const { count, etas } = body as ProduceRequest;
  return enqueueAll(count, async (index) => {
    const id = randomUUID();
    const eta = etas?.[index];
    // As TasksRepository does: the delay counts from the caller's moment, so that a job is due at
    // its eta (Bull reads `timestamp`, which its typings leave out).
    const timestamp = Date.now();
    const options: JobOptions & { timestamp: number } = {
      jobId: id,
      timestamp,
      delay: eta === undefined ? 0 : Math.max(0, eta - timestamp),
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      timeout: 60_000,
      removeOnComplete: KEEP,
      removeOnFail: KEEP,
    };
    await queue.add('add', { args: [index, 1], kwargs: {}, eta: eta === undefined ? null : new Date(eta).toISOString() }, options);
    return id;
  });
});
