import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { UpcomingWork } from '../memory/upcoming-work';
import { MetricsService } from '../metrics/metrics.service';
import { TasksService } from '../tasks/tasks.service';
import { BeatCatalog } from './beat-catalog';
import type { BeatEntry } from './beat-entry';
import { BeatStore } from './beat-store';
import { tickTaskId } from './tick-task-id';

/** The entry's timer in @nestjs/schedule's registry. */
const timerName = (entry: BeatEntry) => `beat:${entry.name}`;

/**
 * How long before its tick a beat claims it. The claim is a round trip to Redis (about a
 * millisecond, more with several beats waking at once), which then no longer delays the enqueue,
 * and at the tick only the winner wakes (BENCHMARKS.md, Beat). A beat that dies in this window
 * loses the tick, as it would between claim and enqueue.
 */
const CLAIM_AHEAD_MS = 20;

/**
 * How much longer than the wall clock said was left a claimed tick waits for it, on the monotonic
 * clock: enough for a timer that fires a millisecond early.
 */
const WAIT_MARGIN_MS = 2;

/**
 * Resolves once the clock reads `moment` or later (a timer may fire a millisecond early), or once
 * the wait the clock announced, and {@link WAIT_MARGIN_MS}, has passed on the monotonic clock: a
 * wall clock set back meanwhile (an NTP step) would otherwise hold a claimed tick, which no other
 * beat can take, for as long as the step. The global setTimeout and performance, not Node's
 * modules, so that the scheduler's fake-clock spec drives them.
 */
async function until(moment: Date): Promise<void> {
  const left = () => moment.getTime() - Date.now();
  const deadline = performance.now() + left() + WAIT_MARGIN_MS;
  for (let wait = left(); wait > 0; wait = Math.min(left(), deadline - performance.now())) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** What one beat did with a tick: another beat may have claimed it first. */
export type TickOutcome = 'enqueued' | 'skipped' | 'claimed-elsewhere';

/**
 * The beat: arms a timer per enabled entry for its next tick and, when it fires, enqueues the
 * entry's task; it never runs a task itself. Any number of beats may run, with no leader: one
 * claims each tick in Redis, and the task id is derived from the entry and the tick, which Bull
 * adds only once, so even a late claim cannot enqueue a tick twice.
 */
@Injectable()
export class BeatScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BeatScheduler.name);
  private stopping = false;
  /** Ticks being claimed and enqueued right now. */
  private readonly firing = new Set<Promise<void>>();

  constructor(
    private readonly catalog: BeatCatalog,
    private readonly tasks: TasksService,
    private readonly store: BeatStore,
    private readonly timers: SchedulerRegistry,
    private readonly metrics: MetricsService,
    private readonly upcoming: UpcomingWork,
  ) {}

  onApplicationBootstrap(): void {
    const enabled = this.catalog.all().filter((entry) => entry.enabled);
    for (const entry of enabled) this.arm(entry, new Date());
    this.logger.log(`Scheduling ${enabled.map((e) => `${e.name} (${e.schedule.description})`).join(', ') || 'nothing'}`);
  }

  /**
   * Stops ticking: disarms every timer, then waits for the ticks already firing, which arm no next
   * one. The wait matters: once this beat has claimed a tick no other beat can, so closing the
   * broker connection under its enqueue would lose the tick.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const entry of this.catalog.all()) {
      const name = timerName(entry);
      if (this.timers.doesExist('timeout', name)) this.timers.deleteTimeout(name);
    }
    await Promise.all(this.firing);
  }

  /**
   * Enqueues one tick of an entry now, whatever its time, unless another beat claimed it or the
   * entry skips while its previous task has not started. Safe to call from several processes for
   * the same tick.
   */
  async tick(entry: BeatEntry, tick: Date): Promise<TickOutcome> {
    if (!(await this.store.claimTick(entry.name, tick))) return 'claimed-elsewhere';
    return this.enqueueClaimed(entry, tick);
  }

  private async enqueueClaimed(entry: BeatEntry, tick: Date): Promise<TickOutcome> {
    if (entry.skipIfPending) {
      const last = await this.catalog.lastTask(entry.name);
      if (last?.state === 'PENDING') {
        this.logger.log(`Skipped ${entry.name} at ${tick.toISOString()}: task ${last.id} has not started yet`);
        this.metrics.beatTick(entry.name, 'skipped');
        return 'skipped';
      }
    }
    const { id } = await this.tasks.applyAsync(entry.task, {
      id: tickTaskId(entry.name, tick),
      args: [...entry.args],
      kwargs: { ...entry.kwargs },
    });
    await this.store.recordEnqueued(entry.name, id);
    this.metrics.beatTick(entry.name, 'enqueued');
    return 'enqueued';
  }

  private arm(entry: BeatEntry, after: Date): void {
    const tick = entry.schedule.next(after);
    const claimAt = tick.getTime() - CLAIM_AHEAD_MS;
    const timer = setTimeout(
      () => {
        const firing = this.fire(entry, tick).finally(() => this.firing.delete(firing));
        this.firing.add(firing);
      },
      Math.max(0, claimAt - Date.now()),
    );
    this.timers.addTimeout(timerName(entry), timer);
    // The heap trim keeps its pause off the claim and the enqueue after it.
    this.upcoming.expect(timerName(entry), claimAt);
  }

  /** Claims the tick ahead of it, then, if this beat won it, enqueues it once it is due. */
  private async fire(entry: BeatEntry, tick: Date): Promise<void> {
    this.timers.deleteTimeout(timerName(entry));
    try {
      if (await this.store.claimTick(entry.name, tick)) {
        await until(tick);
        await this.enqueueClaimed(entry, tick);
      }
    } catch (error) {
      this.logger.error(`Could not enqueue ${entry.name} at ${tick.toISOString()}: ${(error as Error).message}`);
    }
    // Ticks missed while this process was busy are left to the other beats, not caught up.
    if (!this.stopping) this.arm(entry, new Date(Math.max(tick.getTime(), Date.now())));
  }
}
