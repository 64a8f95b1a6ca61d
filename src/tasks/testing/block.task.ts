import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../task.decorator';

export const BLOCK_TASK = 'testing.block';

/** The longest block the task accepts, and its run timeout: beyond a minute on purpose. */
const MAX_BLOCK_MS = 120_000;

/**
 * Blocks the worker's main event loop for `ms` milliseconds (no timer, no I/O, no lock renewal
 * runs meanwhile), then returns the worker's pid: a handler stuck in synchronous work, which
 * must not be taken for a dead worker. It waits on an Atomics cell nobody notifies, so it holds
 * the thread without burning a core. One attempt: a second run can only be a false alarm.
 */
@Task({
  name: BLOCK_TASK,
  params: [{ name: 'ms', type: 'integer' }],
  attempts: 1,
  timeoutMs: MAX_BLOCK_MS + 10_000,
  testOnly: true,
})
@Injectable()
export class BlockTask implements TaskHandler<number> {
  run([ms]: unknown[]): number {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(ms as number, MAX_BLOCK_MS));
    return process.pid;
  }
}
