import type { Queue } from 'bull';

// Bull 4 is in maintenance mode (bug fixes only). Where its worker loop falls short, these work
// around it on the queues a worker processes, each naming the part of Bull it covers.

/**
 * Bull 4's `process` names its blocking connection (`CLIENT SETNAME`, lib/worker.js) and leaves the
 * answer unhandled: a shutdown right after the start, which disconnects that connection, would end
 * the process on an unhandled rejection. The name only serves Bull's `getWorkers`.
 */
export function nameWorkerWithoutRejection(queue: Queue, onError: (error: unknown) => void): void {
  const named = queue as Queue & { setWorkerName(): Promise<void> };
  const setWorkerName = named.setWorkerName.bind(queue);
  named.setWorkerName = () => setWorkerName().catch(onError);
}

/** What {@link stopTakingJobs} reads of a Bull 4 queue; `bclient` is made on first read, hence `bclientInitialized`. */
type PausableQueue = Queue & {
  paused?: Promise<void> | null;
  bclientInitialized?: boolean;
  bclient: { blocked?: boolean; isCluster?: boolean; disconnect(): void };
};

/**
 * Bull's local pause without its half-second wait. To abort the blocking pop, Bull 4 sends QUIT on
 * that connection, which Redis answers only once the pop returns, and waits up to 500 ms for it
 * (lib/queue.js, redisClientDisconnect). Once Bull has marked the queue paused, which makes it
 * ignore the aborted pop's error, the connection is dropped at once, as Bull's own `disconnect`
 * does with a blocked client; Bull then connects it again, idle while paused.
 */
export async function stopTakingJobs(queue: Queue): Promise<void> {
  const pausing = queue.pause(true, true);
  // Resumes after `pause`'s own callback on isReady, which marks the queue paused and sends QUIT.
  await queue.isReady();
  const bull = queue as PausableQueue;
  // Not on a Redis Cluster: ioredis' Cluster, dropped while its QUIT is pending, fails the
  // reconnection that follows, and the pause never ends.
  if (bull.paused && bull.bclientInitialized && bull.bclient.blocked && !bull.bclient.isCluster) bull.bclient.disconnect();
  await pausing;
}

/** A job's fields as Bull 4 reads them from Redis (lib/scripts.js, raw2jobData). */
type JobFields = Record<string, string>;

/**
 * Bull 4 reads a job's stack traces with `JSON.parse(json.stacktrace)` (lib/job.js, getTraces) and
 * catches the SyntaxError of a job that has none, which is every job not yet failed: an exception
 * and its stack, about 5 µs, the largest single cost in a worker's profile at concurrency 16
 * (BENCHMARKS.md, Tasks). Such a job reaches Bull with the empty list it would read anyway.
 */
export function readJobsWithoutTraceErrors(queue: Queue): void {
  const bull = queue as Queue & { nextJobFromJobData(jobData: JobFields | null, jobId: string): unknown };
  const nextJobFromJobData = bull.nextJobFromJobData.bind(queue);
  bull.nextJobFromJobData = (jobData, jobId) => {
    if (jobData && jobData.stacktrace === undefined) jobData.stacktrace = '[]';
    return nextJobFromJobData(jobData, jobId);
  };
}

/** A delayed job's score in Bull 4: its due ms × 4096 plus 12 bits of a job counter (lib/commands/addJob-6.lua). */
const DELAY_SCORE_STEPS = 0x1000;
/** The last score step of a millisecond: the promotion reaches every job due in the current one. */
const REST_OF_THE_MILLISECOND = (DELAY_SCORE_STEPS - 1) / DELAY_SCORE_STEPS;

/** What {@link promoteDueJobsOnTime} reads of a Bull 4 queue: its command client, with Bull's scripts. */
type DelayingQueue = Queue & {
  client: { updateDelaySet(args: (string | number)[]): Promise<string | null> };
};

/**
 * Bull 4 moves a delayed job to the queue only once the clock reads the millisecond after it is
 * due: its script promotes the scores up to `Date.now()` × 4096 (lib/commands/updateDelaySet-6.lua)
 * and a job due at T scores T × 4096 plus its counter's 12 bits. Its delay timer, which aims inside
 * T, finds nothing and tries again 1 ms later (a third of the starts 2 ms late; BENCHMARKS.md, Eta).
 * The script is handed the end of the current millisecond instead, so a job due at T starts from
 * T on, never before.
 * @param onNextDue hears, from the same answer, when the next delayed job is due (ms since the epoch).
 */
export function promoteDueJobsOnTime(queue: Queue, onNextDue: (dueAtMs: number) => void): void {
  const client = (queue as DelayingQueue).client;
  const updateDelaySet = client.updateDelaySet.bind(client);
  client.updateDelaySet = async (args) => {
    // Bull's arguments end with the clock's reading, then the queue's token (lib/scripts.js).
    const clock = args.length - 2;
    args[clock] = Number(args[clock]) + REST_OF_THE_MILLISECOND;
    const nextScore = await updateDelaySet(args);
    if (nextScore !== null) onNextDue(Math.floor(Number(nextScore) / DELAY_SCORE_STEPS));
    return nextScore;
  };
}

/**
 * Bull 4's TimerManager (lib/timer-manager.js), which holds the lock renewal timer of every running
 * job, with the same contract and cheaper ids: Bull names each timer with a fresh uuid v4 (random
 * bytes, a hex string, a regular expression to check it) and counts its timers with lodash's size,
 * for every job: about 7 µs a job against under 2 here, in a loop; Bull's set and clear were 5.8 %
 * of a worker's busy time at concurrency 16 in a profile, the uuid alone 2.8 % (BENCHMARKS.md,
 * Tasks). The ids only need to be unique within the queue.
 */
export class LockTimers {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Who waits for no timer to be left (Bull's `close`), first come first served. */
  private readonly listeners: (() => void)[] = [];
  private lastId = 0;
  private idle = true;

  /** Runs `fn` once after `delay` ms, unless cleared first; `name` only serves Bull's debugging. */
  set(_name: string, delay: number, fn: () => void): number {
    const id = ++this.lastId;
    const timer = setTimeout(() => {
      this.clear(id);
      try {
        fn();
      } catch (error) {
        // As Bull does: a timer's error does not end the process.
        console.error(error);
      }
    }, delay);
    this.timers.set(id, timer);
    this.idle = false;
    return id;
  }

  clear(id: number | undefined): void {
    const timer = id === undefined ? undefined : this.timers.get(id);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(id!);
    if (!this.idle && this.timers.size === 0) {
      while (this.listeners.length > 0) this.listeners.pop()!();
      this.idle = true;
    }
  }

  clearAll(): void {
    for (const id of [...this.timers.keys()]) this.clear(id);
  }

  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.idle) resolve();
      else this.listeners.unshift(resolve);
    });
  }
}

/** Gives the queue {@link LockTimers} for Bull's: before it runs any job, while it holds no timer. */
export function timeLocksWithoutUuids(queue: Queue): void {
  (queue as Queue & { timers: LockTimers }).timers = new LockTimers();
}
