import { getHeapStatistics } from 'node:v8';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { IdleTrimPolicy, trimDelayMs } from './idle-trim-policy';
import { lastResortCollection } from './last-resort-collection';
import { UpcomingWork } from './upcoming-work';
import { WorkInFlight } from './work-in-flight';
import { youngGenerationBytes } from './young-generation-cap';

/** How often the event loop and the heap are read. */
const CHECK_MS = 1_000;
/** A quiet event loop: busy at most this share of the time (a beat's tick, a worker's poll). */
const BUSY_UTILIZATION = 0.05;
/** Heap growth since the last trim that makes another worth its pause. */
const GROWTH_BYTES = 8 * 1024 * 1024;

/** Collections per trim at most (see trim). */
const MAX_COLLECTIONS = 2;

const MB = 1024 * 1024;
const inMb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/**
 * Gives the heap's unused memory back to the system once the process is idle (MEMORY_TRIM_IDLE_SECONDS).
 *
 * V8 sizes its heap for the busiest moment it has seen: start-up, or a burst of requests or tasks,
 * grows the young generation to 32–128 MB and the old generation with garbage, and V8 keeps those
 * pages resident long after (its memory reducer, in these processes, often never shrinks the young
 * generation). A last-resort collection, which V8 otherwise runs only when the system is short of
 * memory, releases them: an idle api went from 195 to 130 MB of RSS, a worker after 20 000 tasks
 * from 251 to 137 MB (BENCHMARKS.md, Memory).
 * Node exposes it only through `gc`, so the flag is set at the first trim. A trim due within
 * `TRIM_CLEARANCE_MS` of work the process expects (a beat's next claim, UpcomingWork) runs
 * just after that work instead, so that its pause does not make the work late.
 */
@Injectable()
export class HeapTrimmer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeapTrimmer.name);
  private timer?: NodeJS.Timeout;
  /** A trim put off until just after expected work. */
  private deferred?: NodeJS.Timeout;
  private collect?: () => void;
  /** The event loop's reading at bootstrap, then at the last check or trim. */
  private lastReading: EventLoopUtilization;

  constructor(
    private readonly config: AppConfig,
    private readonly work: WorkInFlight,
    private readonly upcoming: UpcomingWork,
  ) {}

  onApplicationBootstrap(): void {
    const idleMs = this.config.memoryTrimIdleMs;
    if (idleMs === 0) return;
    const policy = new IdleTrimPolicy({ idleMs, busyUtilization: BUSY_UTILIZATION, growthBytes: GROWTH_BYTES });
    this.lastReading = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.check(policy), CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearTimeout(this.deferred);
  }

  private check(policy: IdleTrimPolicy): void {
    const now = performance.eventLoopUtilization();
    const { idle, active, utilization } = performance.eventLoopUtilization(now, this.lastReading);
    this.lastReading = now;
    const sample = { elapsedMs: idle + active, utilization, heapBytes: getHeapStatistics().total_heap_size, workInFlight: this.work.any };
    if (this.deferred || !policy.shouldTrim(sample)) return;
    const delayMs = trimDelayMs(this.msUntilWork());
    if (delayMs === 0) {
      this.trimFor(policy);
      return;
    }
    // Just after the expected work, if nothing else is under way or due then; else the next checks decide again.
    this.deferred = setTimeout(() => {
      this.deferred = undefined;
      if (!this.work.any && trimDelayMs(this.msUntilWork()) === 0) this.trimFor(policy);
    }, delayMs);
    this.deferred.unref();
  }

  private msUntilWork(): number | undefined {
    const next = this.upcoming.next();
    return next === undefined ? undefined : next - Date.now();
  }

  private trimFor(policy: IdleTrimPolicy): void {
    policy.trimmed(this.trim());
    // The trim itself kept the loop busy: it is no sign of work.
    this.lastReading = performance.eventLoopUtilization();
  }

  /** Runs the collection and answers the heap's size after it. */
  private trim(): number {
    this.collect ??= lastResortCollection();
    const before = { rss: process.memoryUsage.rss(), heap: getHeapStatistics().total_heap_size, young: youngGenerationBytes() };
    const startedAt = performance.now();
    let collections = 0;
    // Once more if the young generation kept its size: in some start-ups here (two of eleven), the
    // first collection freed almost nothing.
    do {
      this.collect();
      collections++;
    } while (collections < MAX_COLLECTIONS && before.young > 0 && youngGenerationBytes() >= before.young);
    const pauseMs = Math.round(performance.now() - startedAt);
    const heap = getHeapStatistics().total_heap_size;
    this.logger.debug(
      {
        pauseMs,
        collections,
        rssMb: [inMb(before.rss), inMb(process.memoryUsage.rss())],
        heapMb: [inMb(before.heap), inMb(heap)],
        youngGenerationMb: [inMb(before.young), inMb(youngGenerationBytes())],
      },
      'Gave the idle heap back',
    );
    return heap;
  }
}
