import type { HeartbeatLoop, HeartbeatLoopState } from './heartbeat.loop';

/** The main thread's heartbeat loop, as the handoff drives it. */
export type MainThreadBeat = Pick<HeartbeatLoop, 'state' | 'start' | 'pause' | 'stop' | 'retire' | 'beatAtOnce'>;

/** A heartbeat thread, beating from the state the main thread's loop handed it. */
export interface BeatingThread {
  /** Resolves once its first beat has answered: from then on, it beats. */
  readonly beating: Promise<void>;
  /** Resolves once the thread has exited, asked to or not. */
  readonly exited: Promise<void>;
  retire(): void;
  /** Beats no more and exits, leaving the heartbeat to the main thread's loop. */
  leave(): void;
  /** Beats no more, ends the heartbeat and exits. */
  stop(): Promise<void>;
}

/**
 * Decides who beats for a worker process: the main thread's loop while no task runs, a thread of
 * its own while tasks run, so that a handler blocking the event loop does not stop the heartbeat.
 * A heartbeat thread costs about 12 MB of RSS (a second V8 instance with ioredis; BENCHMARKS.md), so
 * it runs only from a task's start until the worker has run none for `idleMs` (never stopped if 0).
 *
 * Both sides beat the same keys with the same token, so the reaper's rule (a TTL of beats without
 * a break, read from Redis) holds across a handoff as long as there is no gap: the side taking over
 * beats before the other stops, and, for a handler that blocks the loop at once, the main thread
 * sends a beat as it starts the thread, whose first beat then follows it by its start-up time.
 */
export class HeartbeatHandoff {
  /** The thread that beats or is starting to; not one that is leaving. */
  private thread?: BeatingThread;
  /** Resolves once the thread that handed the beats back has exited. */
  private left: Promise<void> = Promise.resolve();
  private working = false;
  private retired = false;
  private stopped = false;
  private idleTimer?: NodeJS.Timeout;
  /** Changes of who beats, one at a time. */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly loop: MainThreadBeat,
    private readonly startThread: (state: HeartbeatLoopState) => BeatingThread,
    private readonly idleMs: number,
  ) {}

  /** The main thread's loop beats until the first task. */
  start(): Promise<void> {
    return this.loop.start();
  }

  /** A task begins in a worker that was running none: a thread takes the beats over before its handler runs. */
  workBegan(): void {
    this.working = true;
    if (this.thread || this.stopped) return;
    this.loop.beatAtOnce();
    const thread = this.startThread(this.loop.state);
    this.thread = thread;
    // The main thread's loop beats on until the thread does.
    void thread.beating.then(() => this.change(() => (this.thread === thread ? this.loop.pause() : Promise.resolve())));
    void thread.exited.then(() => this.change(() => this.lost(thread)));
  }

  /** The worker's last task ended: the thread hands the beats back once it has been idle for `idleMs`. */
  workEnded(): void {
    this.working = false;
    if (!this.thread || this.idleMs === 0 || this.retired) return;
    // One timer, re-armed as each last task ends, not one made and cleared per task; it finds the
    // worker busy again if a task began since (handBack).
    this.idleTimer ??= setTimeout(() => void this.change(() => this.handBack()), this.idleMs).unref();
    this.idleTimer.refresh();
  }

  /** Whoever beats goes on beating but leaves the reaping to the workers that stay. */
  retire(): void {
    this.retired = true;
    clearTimeout(this.idleTimer);
    this.loop.retire();
    this.thread?.retire();
  }

  /** Ends the heartbeat once neither side beats any more, so that no late beat renews it. */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.idleTimer);
    return this.change(async () => {
      const thread = this.thread;
      this.thread = undefined;
      await Promise.all([thread?.stop(), this.left]);
      await this.loop.stop();
    });
  }

  private async handBack(): Promise<void> {
    const thread = this.thread;
    if (!thread || this.working || this.retired || this.stopped) return;
    await this.loop.start();
    // A task that began meanwhile keeps the thread.
    if (this.working || this.retired || this.stopped) return this.loop.pause();
    this.thread = undefined;
    this.left = thread.exited;
    thread.leave();
  }

  /** A thread that exited unasked (it failed): the main thread's loop beats again. */
  private async lost(thread: BeatingThread): Promise<void> {
    if (this.thread !== thread) return;
    this.thread = undefined;
    if (!this.stopped) await this.loop.start();
  }

  private change(step: () => Promise<void>): Promise<void> {
    const next = this.changes.then(step);
    this.changes = next.catch(() => undefined);
    return next;
  }
}
