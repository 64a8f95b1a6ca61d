import type { BeatOutcome, HeartbeatTarget } from './heartbeat.store.ts';

// Runs in the heartbeat thread, which Node may load from the TypeScript source: erasable syntax
// only (see heartbeat.store.ts).

/** A process beats this many times per heartbeat TTL: it may miss two beats before it expires. */
export const BEATS_PER_TTL = 3;

/** The beat interval for a heartbeat TTL: reapers run as often. */
export function beatIntervalMs(ttlMs: number): number {
  return Math.round(ttlMs / BEATS_PER_TTL);
}

/** What a heartbeat loop reports, in the heartbeat thread or the main thread. */
export type HeartbeatReport =
  | { readonly kind: 'recovered'; readonly queue: string; readonly requeued: string[]; readonly failing: string[] }
  | { readonly kind: 'lapsed'; readonly queue: string }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'restored' };

/** The part of {@link HeartbeatStore} the loop uses. */
export interface Beater {
  beat(target: HeartbeatTarget, reap: boolean): Promise<BeatOutcome>;
  forget(target: HeartbeatTarget): Promise<void>;
}

/**
 * What one loop hands to the next that beats for the same process (the main thread's to the
 * heartbeat thread's). The reaper's own rule, a TTL of beats without a break, lives in Redis.
 */
export interface HeartbeatLoopState {
  /** False once retired: the process is shutting down. */
  readonly reaping: boolean;
  /** The queues the process has beaten on: a heartbeat found missing there had lapsed. */
  readonly beaten: readonly string[];
}

/**
 * Beats for every queue of the process each interval, and reaps the jobs of dead processes until
 * {@link retire}. One beat at a time: the next is scheduled when the last has answered, so a slow
 * Redis delays beats instead of piling them up (the beat script notices the gap).
 */
export class HeartbeatLoop {
  private readonly targets: readonly HeartbeatTarget[];
  private readonly beater: Beater;
  private readonly intervalMs: number;
  private readonly report: (report: HeartbeatReport) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private beating = false;
  private reaping: boolean;
  private failing = false;
  private readonly beaten: Set<string>;

  constructor(
    targets: readonly HeartbeatTarget[],
    beater: Beater,
    intervalMs: number,
    report: (report: HeartbeatReport) => void,
    state: HeartbeatLoopState = { reaping: true, beaten: [] },
  ) {
    this.targets = targets;
    this.beater = beater;
    this.intervalMs = intervalMs;
    this.report = report;
    this.reaping = state.reaping;
    this.beaten = new Set(state.beaten);
  }

  get state(): HeartbeatLoopState {
    return { reaping: this.reaping, beaten: [...this.beaten] };
  }

  /**
   * Beats at once, then every interval, until paused or stopped; resolves once that first beat has
   * answered (or failed). On a new loop, or one whose {@link pause} has resolved.
   */
  start(): Promise<void> {
    if (this.beating) return this.running;
    this.beating = true;
    this.running = this.tick();
    return this.running;
  }

  /** Beats no more, leaving the heartbeat to whoever beats next; resolves once the beat under way has answered. */
  async pause(): Promise<void> {
    this.beating = false;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Sends one beat per queue now, beside the loop's and without reaping. On a ready connection
   * ioredis writes the commands before this returns, so they reach Redis even if the event loop
   * then blocks; their answers are read when it can.
   */
  beatAtOnce(): void {
    for (const target of this.targets) {
      this.beater.beat(target, false).then(
        (outcome) => this.read(target, outcome),
        () => undefined, // the loop's own beats report an outage
      );
    }
  }

  /** Keeps beating but leaves the reaping to others: the process is shutting down. */
  retire(): void {
    this.reaping = false;
  }

  /** Stops beating and ends the heartbeats (best effort: they expire anyway). */
  async stop(): Promise<void> {
    await this.pause();
    await Promise.all(this.targets.map((target) => this.beater.forget(target).catch(() => undefined)));
  }

  private async tick(): Promise<void> {
    try {
      for (const target of this.targets) this.read(target, await this.beater.beat(target, this.reaping));
      if (this.failing) this.report({ kind: 'restored' });
      this.failing = false;
    } catch (error) {
      // Reported once per outage: the next beats fail the same way until Redis answers again.
      if (!this.failing) this.report({ kind: 'failed', error: error instanceof Error ? error.message : String(error) });
      this.failing = true;
    }
    if (this.beating)
      this.timer = setTimeout(() => {
        this.running = this.tick();
      }, this.intervalMs);
  }

  private read(target: HeartbeatTarget, outcome: BeatOutcome): void {
    // The first beat of a process always finds no heartbeat: that is no lapse.
    if (outcome.lapsed && this.beaten.has(target.queue)) this.report({ kind: 'lapsed', queue: target.queue });
    this.beaten.add(target.queue);
    if (outcome.requeued.length > 0 || outcome.failing.length > 0) {
      this.report({ kind: 'recovered', queue: target.queue, requeued: outcome.requeued, failing: outcome.failing });
    }
  }
}
