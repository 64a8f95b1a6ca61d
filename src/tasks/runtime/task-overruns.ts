import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';

/**
 * How long an overrun mark lives unless renewed: a worker that dies with a handler still running
 * (which then dies with it) blocks that task's next run for at most this long.
 */
const OVERRUN_TTL_MS = 10_000;
/** Renewed well within its TTL, so that a busy event loop does not let it lapse. */
const OVERRUN_RENEW_MS = OVERRUN_TTL_MS / 5;
/** How often a run that waits for an earlier one looks again. */
const OVERRUN_POLL_MS = 100;

/**
 * No zombie overlap (OptimalBits/bull#486, #2166): a run stopped at its hard time limit frees its
 * slot and may be retried, while a handler in the main thread that ignores its signal goes on
 * running. Such a handler is marked in Redis, per task id, until it ends (a TTL the worker keeps
 * renewing, so a dead worker's mark goes by itself); the task's next run, on any worker, waits for
 * the mark to go before it calls its handler.
 */
@Injectable()
export class TaskOverruns {
  private readonly logger = new Logger(TaskOverruns.name);

  /** Marks the task as still running until `work` settles. Resolves once the mark is stored. */
  async track(queue: Queue, id: string, work: Promise<void>): Promise<void> {
    const key = overrunKey(queue, id);
    await queue.client.set(key, String(process.pid), 'PX', OVERRUN_TTL_MS);
    const renewal = setInterval(() => {
      queue.client
        .pexpire(key, OVERRUN_TTL_MS)
        .catch((error: unknown) => this.logger.warn({ err: error, taskId: id }, 'Could not renew an overrun mark'));
    }, OVERRUN_RENEW_MS);
    renewal.unref();
    void work.finally(async () => {
      clearInterval(renewal);
      this.logger.log({ taskId: id }, 'A run stopped at its time limit has ended');
      await queue.client
        .del(key)
        .catch((error: unknown) => this.logger.warn({ err: error, taskId: id }, 'Could not clear an overrun mark'));
    });
  }

  /**
   * Waits while an earlier run of the task is still running past its stop.
   * @throws the signal's reason when it aborts meanwhile.
   */
  async waitFor(queue: Queue, id: string, signal: AbortSignal): Promise<void> {
    const key = overrunKey(queue, id);
    let logged = false;
    while ((await queue.client.exists(key)) === 1) {
      if (!logged)
        this.logger.warn({ taskId: id }, 'An earlier run of this task is still running past its time limit: waiting for it to end');
      logged = true;
      await sleep(OVERRUN_POLL_MS, undefined, { signal }).catch(() => {
        throw signal.reason as Error;
      });
    }
  }
}

function overrunKey(queue: Queue, id: string): string {
  return queue.toKey(`overrun:${id}`);
}
