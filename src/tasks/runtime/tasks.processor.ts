import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Job, Queue } from 'bull';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { WorkInFlight } from '../../memory/work-in-flight';
import { MetricsService } from '../../metrics/metrics.service';
import { type QueueName, TaskQueues } from './queues';
import { Batch } from './batch';
import {
  nameWorkerWithoutRejection,
  promoteDueJobsOnTime,
  readJobsWithoutTraceErrors,
  stopTakingJobs,
  timeLocksWithoutUuids,
} from './bull-workarounds';
import { DueTaskReadiness } from './due-task-readiness';
import { RateLimitGate } from './rate-limit/rate-limit.gate';
import { RateLimited } from './rate-limit/rate-limited';
import { RunContext } from './run-context';
import { bindArguments } from './task-arguments';
import { Expired, hasExpired } from './task-expiry';
import { TaskTerminations } from './task-cancel';
import { TaskOverruns } from './task-overruns';
import { type RunLimits, Terminated, TaskRun } from './time-limits';
import { TaskLifecycle } from './task-lifecycle';
import { TaskLines } from './task-lines';
import type { TaskData } from './task-status';
import { Task, type TaskHandler } from './task.decorator';
import { pairHandlers } from './task-handlers';
import { type RegisteredTask, TaskRegistry } from './task.registry';
import { TasksRepository } from './tasks.repository';
import { IsolatedTasks } from './isolated/isolated-tasks';
import { WORKER_QUEUES, workerSlots } from './worker-queues';

/** Bull's name for a processor that takes jobs of every name. */
const ANY_JOB_NAME = '*';

/**
 * Finished jobs get their result TTL together, at most this long after they finish: one round
 * trip for many jobs instead of one more per job (BENCHMARKS.md). Against a TTL of hours, a
 * tenth of a second later changes nothing.
 */
const EXPIRY_BATCH_MS = 100;

/** A run's limits in ms: the call's, stored with the job, else (a job enqueued before they were stored) the task's. */
function limitsOf(data: TaskData, task: RegisteredTask): RunLimits {
  const softTimeLimit = data.timeLimit === undefined ? task.softTimeLimit : data.softTimeLimit;
  const timeLimit = data.timeLimit ?? task.timeLimit;
  return { softMs: softTimeLimit === undefined ? undefined : softTimeLimit * 1000, hardMs: timeLimit * 1000 };
}

/** Marks the job so that this run's failure is final (Bull's `discard`, typed as a promise, only sets a flag). */
function withoutRetry(job: Job): void {
  void job.discard();
}

/** A handler's answer still to come: a promise, or any thenable it returned. */
function isPending(answer: unknown): answer is PromiseLike<unknown> {
  return typeof (answer as PromiseLike<unknown> | null)?.then === 'function';
}

/** How long the job's last run took (Bull stamps the start and, for a final outcome, the end). */
function runTimeMs(job: Job): number {
  return (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now());
}

/**
 * The worker: runs every registered task from the queues it consumes (`--queues`, all by default),
 * WORKER_CONCURRENCY jobs at a time per queue. Loaded by the worker role only; the api and beat
 * enqueue through TasksService and run nothing.
 */
@Injectable()
export class TasksProcessor implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  /**
   * pino itself, bound to this class's context: the lines Nest's Logger wrote through nestjs-pino,
   * byte for byte, without its two layers of argument copying, twice per task (BENCHMARKS.md).
   */
  private readonly logger: Logger;
  /** The two lines per task, as this logger writes them (see TaskLines). */
  private readonly taskLines: TaskLines;
  private handlers: ReadonlyMap<string, TaskHandler> = new Map();
  private readonly expiries = new Map<Queue, Batch<string>>();
  private slots: ReadonlyMap<QueueName, number> = new Map();
  private readonly dueTasks: DueTaskReadiness;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: TaskRegistry,
    private readonly repository: TasksRepository,
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly lifecycle: TaskLifecycle,
    private readonly rateLimits: RateLimitGate,
    private readonly isolated: IsolatedTasks,
    private readonly overruns: TaskOverruns,
    private readonly terminations: TaskTerminations,
    private readonly work: WorkInFlight,
    @Inject(WORKER_QUEUES) private readonly consumed: readonly QueueName[],
    pino: PinoLogger,
  ) {
    this.logger = pino.logger.child({ context: TasksProcessor.name });
    this.dueTasks = new DueTaskReadiness(work);
    this.taskLines = new TaskLines(this.logger);
  }

  /** Fails the start when a registered task has no handler here (see pairHandlers) or WORKER_CONCURRENCY names no queue. */
  onModuleInit(): void {
    this.handlers = pairHandlers(this.registry.all(), this.discovery.getProviders({ metadataKey: Task.KEY }));
    const { concurrency, queueConcurrency } = this.config.worker;
    this.slots = workerSlots(this.consumed, concurrency, queueConcurrency);
  }

  onApplicationBootstrap(): void {
    this.logger.info({ queues: Object.fromEntries(this.slots) }, 'Taking jobs from the queues');
    for (const [name, slots] of this.slots) {
      const queue = this.queues.get(name);
      this.expiries.set(queue, new Batch(EXPIRY_BATCH_MS, (ids) => this.expire(queue, ids)));
      queue.on('completed', (job: Job) => {
        this.metrics.taskFinished(job.name, 'SUCCESS', runTimeMs(job));
        this.expiries.get(queue)?.add(String(job.id));
      });
      queue.on('failed', (job: Job<TaskData> | null, error: Error) => {
        // Null when a stalled job was failed and already removed by another worker.
        if (!job) return;
        // A run put off by its rate limit is no failure: it waits in `delayed`, still PENDING.
        if (error instanceof RateLimited) return this.metrics.taskRateLimited(job.name);
        // 'failed' also fires for a run that will be retried; only a final failure has finishedOn.
        this.metrics.taskFinished(job.name, job.finishedOn ? 'FAILURE' : 'RETRY', runTimeMs(job));
        if (job.finishedOn) {
          this.expiries.get(queue)?.add(String(job.id));
          void this.reportFailure(job, error);
        }
        this.logger.warn({ taskId: job.id, task: job.name, attempt: job.attemptsMade, err: error.message }, 'Task failed');
      });
      queue.on('stalled', (job: Job) => this.logger.warn({ taskId: job.id, task: job.name }, 'Task stalled, it runs again'));
      readJobsWithoutTraceErrors(queue);
      promoteDueJobsOnTime(queue, (dueAtMs) => this.dueTasks.comesDueAt(name, dueAtMs));
      timeLocksWithoutUuids(queue);
      nameWorkerWithoutRejection(queue, (error) =>
        this.logger.debug({ err: error, queue: queue.name }, 'Could not name the blocking connection'),
      );
      queue
        .process(ANY_JOB_NAME, slots, (job: Job<TaskData>) => this.execute(job))
        .catch((error: unknown) => this.logger.error({ err: error, queue: queue.name }, 'Queue stopped processing'));
    }
  }

  /**
   * On SIGTERM: stop taking jobs, then wait for the active ones, before Nest closes the queues and
   * the database in onApplicationShutdown (the shutdown grace period bounds the wait; a job still
   * running then is recovered by another worker as stalled).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const queues = [...this.slots.keys()].map((name) => this.queues.get(name));
    this.dueTasks.stop();
    await Promise.all(queues.map(stopTakingJobs));
    this.logger.info({ active: this.work.active }, 'Stopped taking jobs, waiting for the active ones');
    await Promise.all(queues.map((queue) => queue.whenCurrentJobsFinished()));
    await Promise.all([...this.expiries.values()].map((batch) => batch.flush()));
  }

  /** Runs one job. A job this worker cannot run at all fails at once: a retry would not help. */
  private async execute(job: Job<TaskData>): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (!handler && !this.isolated.has(job.name)) {
      withoutRetry(job);
      throw new Error(`Task "${job.name}" is not registered in this worker`);
    }
    const task = this.registry.get(job.name);
    let args: unknown[];
    try {
      args = bindArguments(task.name, task.params, job.data.args, job.data.kwargs);
    } catch (error) {
      withoutRetry(job);
      throw error;
    }
    // Celery's expires: a task not started in time never runs, and is not retried.
    if (hasExpired(job.data.expires, Date.now())) {
      withoutRetry(job);
      await this.repository.markRevoked(job);
      throw new Expired();
    }
    const admitted = task.rateLimit === undefined ? undefined : this.rateLimits.admit(job, task.rateLimit);
    if (admitted) await admitted;
    const id = String(job.id);
    const run = new TaskRun(limitsOf(job.data, task), (limit) => this.metrics.taskTimeLimitExceeded(job.name, limit));
    this.terminations.begin(id, run);
    this.work.begin();
    try {
      // A retry never overlaps the run before it, still going past its time limit.
      if (job.attemptsMade > 0) await this.overruns.waitFor(job.queue, id, run.signal);
      if (run.terminated) throw new Terminated(); // before it began
      const context = new RunContext(id, job.attemptsMade + 1, job, run);
      this.taskLines.write('Task started', id, job.name, context.attempt);
      run.start();
      // The one call that runs the handler: whatever runs it elsewhere takes run.signal and stops on run.hardStop.
      const running: unknown = handler
        ? handler.run(args, context)
        : this.isolated.run(task, args, {
            id,
            attempt: context.attempt,
            progress: (percent) => job.progress(percent),
            signal: run.signal,
            hardStop: run.hardStop,
          });
      // A handler that answered at once leaves nothing to race, and a task of no workflow nothing to
      // wait for: such a run ends without an await. Each await kept the job's objects through the
      // young generation's collections (1.3 MB kept each with them, 0.8 without, at concurrency 16;
      // BENCHMARKS.md, Tasks).
      const result = isPending(running) ? await run.race(Promise.resolve(running)) : running;
      if (run.terminated) throw new Terminated(); // a result that came after the terminate is not kept
      this.taskLines.write('Task succeeded', id, job.name, context.attempt);
      // Reported before Bull marks the job done, so a worker killed in between reports it again on
      // the next run (see TaskLifecycle).
      const reported = this.lifecycle.finished({ id, name: job.name, data: job.data, state: 'SUCCESS', result: result ?? null });
      if (reported) await reported;
      return result;
    } catch (error) {
      if (!run.terminated) throw error;
      // Celery's revoke(terminate=True): the task ends REVOKED, whatever the handler did, and is not retried.
      withoutRetry(job);
      await this.repository.markRevoked(job);
      await this.terminations.settled(job.queue, id);
      this.metrics.taskTerminated(job.name);
      throw new Terminated();
    } finally {
      run.end();
      this.terminations.end(id);
      // Marked before Bull fails the job, so that no retry can start before the mark exists.
      const overrun = run.overrun;
      if (overrun) await this.overruns.track(job.queue, id, overrun);
      this.work.end();
    }
  }

  /**
   * A final failure is known once Bull has stored it, whichever way the job failed (error, timeout,
   * stalls). An expired or terminated task, which the worker revoked by failing its run, is reported REVOKED.
   */
  private async reportFailure(job: Job<TaskData>, error: Error): Promise<void> {
    const state = error instanceof Expired || error instanceof Terminated ? 'REVOKED' : 'FAILURE';
    try {
      await this.lifecycle.finished({ id: String(job.id), name: job.name, data: job.data, state, error: error.message });
    } catch (reportError) {
      this.logger.error({ err: reportError, taskId: job.id }, 'Could not report the final failure of a task');
    }
  }

  private async expire(queue: Queue, ids: readonly string[]): Promise<void> {
    try {
      await this.repository.expireResults(queue, ids);
    } catch (error) {
      this.logger.warn({ err: error, tasks: ids.length }, 'Could not set the result TTL; Bull prunes it later');
    }
  }
}
