import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/**
 * Waits until a queue has nothing waiting, delayed or running, then returns when its last job
 * finished (the newest score of its completed set, stamped by the worker). Fails on any failed job.
 */
export async function drained(redis: Redis, prefix: string, timeoutMs: number): Promise<number> {
  const key = (name: string) => `${prefix}:default:${name}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [[, waiting], [, active], [, delayed], [, failed]] = (await redis
      .multi()
      .llen(key('wait'))
      .llen(key('active'))
      .zcard(key('delayed'))
      .zcard(key('failed'))
      .exec()) as [Error | null, number][];
    if (failed > 0) throw new Error(`${failed} jobs failed on ${prefix}`);
    if (waiting + active + delayed === 0) break;
    if (Date.now() > deadline) throw new Error(`${prefix} still had ${waiting} waiting, ${active} active, ${delayed} delayed jobs`);
    await sleep(10);
  }
  const [, lastFinishedAt] = await redis.zrevrange(key('completed'), 0, 0, 'WITHSCORES');
  return Number(lastFinishedAt);
}

/** The broker's CPU time so far, in µs. */
export async function brokerCpuUs(broker: Redis): Promise<number> {
  const info = await broker.info('cpu');
  const seconds = ['used_cpu_sys', 'used_cpu_user'].map((field) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)![1]));
  return (seconds[0] + seconds[1]) * 1e6;
}
