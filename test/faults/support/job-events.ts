import Redis from 'ioredis';

/**
 * What Bull publishes about a queue's jobs, heard on a connection of our own, subscribed before
 * the load starts:
 * - `<prefix>:<queue>:completed` `{"jobId","val"}` from moveToFinished-9.lua, only when the worker
 *   completing the job still holds its lock: one message per run that reached completion;
 * - `<prefix>:<queue>:failed`, the same for failed runs (and for jobs stalled too often);
 * - `<prefix>:<queue>:stalled@` the id of a job the stalled check put back in the wait list (its
 *   worker died or stopped renewing the lock): it will run again.
 */
export class JobEvents {
  /** The return value of every completion, by job id. */
  readonly completions = new Map<string, unknown[]>();
  /** The reason of every failed run, by job id. */
  readonly failures = new Map<string, string[]>();
  /** How many times each job was put back from stalled. */
  readonly stalls = new Map<string, number>();

  private constructor(private readonly subscriber: Redis) {}

  static async subscribe(redisUrl: string, queuePrefix: string, queue = 'default'): Promise<JobEvents> {
    const subscriber = new Redis(redisUrl);
    const events = new JobEvents(subscriber);
    const channel = (name: string) => `${queuePrefix}:${queue}:${name}`;
    const [completed, failed, stalled] = [channel('completed'), channel('failed'), `${channel('stalled')}@`];
    subscriber.on('message', (from: string, message: string) => {
      if (from === stalled) {
        events.stalls.set(message, (events.stalls.get(message) ?? 0) + 1);
        return;
      }
      const { jobId, val } = JSON.parse(message) as { jobId: string; val?: string };
      // Bull sends the return value JSON-encoded once more.
      if (from === completed) push(events.completions, jobId, val === undefined ? null : JSON.parse(val));
      else push(events.failures, jobId, val ?? '');
    });
    await subscriber.subscribe(completed, failed, stalled);
    return events;
  }

  completionsOf(id: string): readonly unknown[] {
    return this.completions.get(id) ?? [];
  }

  async close(): Promise<void> {
    await this.subscriber.quit();
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
