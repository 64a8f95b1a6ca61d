import { Injectable } from '@nestjs/common';

/** Told `true` when work begins in a process that had none, `false` when its last work ends. */
export type WorkListener = (working: boolean) => void;

/**
 * The work a process has started and not finished, such as the tasks a worker runs. A process
 * that waits on I/O keeps a quiet event loop, yet the heap trim's pause would hold that work up:
 * the trim waits until there is none. The worker's heartbeat watches it too: it runs in a thread
 * of its own only while there is work (WorkerHeartbeat).
 */
@Injectable()
export class WorkInFlight {
  private count = 0;
  private readonly listeners: WorkListener[] = [];

  /** Listeners are called at once, before the work that began goes on. */
  watch(listener: WorkListener): void {
    this.listeners.push(listener);
  }

  begin(): void {
    if (this.count++ === 0) this.notify(true);
  }

  end(): void {
    if (--this.count === 0) this.notify(false);
  }

  /** How much work is under way. */
  get active(): number {
    return this.count;
  }

  get any(): boolean {
    return this.count > 0;
  }

  private notify(working: boolean): void {
    for (const listener of this.listeners) listener(working);
  }
}
