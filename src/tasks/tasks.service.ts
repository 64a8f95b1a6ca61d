import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import type { CallOptions } from './runtime/call-options';
import { ALL_QUEUES, isQueueName, type QueueName, TaskQueues } from './runtime/queues';
import { bindArguments, checkArgumentsSize, type TaskKwargs } from './runtime/task-arguments';
import { resolveExpiry } from './runtime/task-expiry';
import { resolveTiming } from './runtime/task-timing';
import { resolveTimeLimits, TERMINATE_GRACE_MS } from './runtime/time-limits';
import type { EnqueuedTaskView, TaskState, TaskStatusView } from './runtime/task-state';
import { type TaskLineage, toTaskStatus } from './runtime/task-status';
import { isPriority, PRIORITY, type RegisteredTask, TaskRegistry } from './runtime/task.registry';
import { type NewJob, TasksRepository } from './runtime/tasks.repository';
import { type Canvas, type SubmittedWorkflow, TaskWorkflows, type WorkflowStatus } from './task-workflows';

/** Celery's `apply_async` options. */
export interface ApplyOptions extends CallOptions {
  readonly args?: readonly unknown[];
  readonly kwargs?: TaskKwargs;
  /**
   * A UUID chosen by the caller (Celery's `task_id`), for callers that must not enqueue the same
   * work twice, such as several beat replicas on one tick: while a task with this id is kept,
   * enqueuing it again changes nothing. @defaultValue a new random UUID
   */
  readonly id?: string;
  /** Set by the workflows module on the tasks of a workflow. @defaultValue none */
  readonly lineage?: TaskLineage;
}

/** Where a call goes: its queue and priority, the caller's over the task's. */
function placementOf(task: RegisteredTask, { queue, priority }: CallOptions): { queue: QueueName; priority?: number } {
  if (queue !== undefined && !isQueueName(queue)) {
    throw new AppError('TASK_INVALID_OPTION', `Unknown queue "${queue}": queues are ${ALL_QUEUES.join(', ')}`, 'invalid');
  }
  if (priority !== undefined && !isPriority(priority)) {
    throw new AppError(
      'TASK_INVALID_OPTION',
      `priority must be an integer from ${PRIORITY.highest} to ${PRIORITY.lowest} (got ${String(priority)})`,
      'invalid',
    );
  }
  return { queue: queue ?? task.queue, priority: priority ?? task.priority };
}

/** What {@link TasksService.applyOnce} did: created the task, or found it (its status). */
export type AppliedOnce =
  { readonly created: true; readonly task: EnqueuedTaskView } | { readonly created: false; readonly task: TaskStatusView };

export interface TaskListFilter {
  readonly state?: TaskState;
  readonly name?: string;
  /** @defaultValue 20 */
  readonly limit?: number;
}

/** How often a terminate looks whether the run has stopped, and how long past the grace it waits. */
const TERMINATE_POLL_MS = 50;
const TERMINATE_ANSWER_MARGIN_MS = 1_000;

/** Our ids are UUIDs; anything else cannot name a task (and must never reach a Redis key). */
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(id: string): AppError {
  return new AppError('TASK_NOT_FOUND', `No task with id "${id}": it never existed or its result has expired`, 'not_found');
}

/**
 * The tasks as any module, the worker and the CLI see them: Celery's `delay`, `apply_async`,
 * `AsyncResult` and canvas (`chain`, `group`, `chord`), on Bull. Errors are AppErrors with stable
 * codes: TASK_UNKNOWN, TASK_INVALID_ARGS, TASK_INVALID_SCHEDULE, TASK_ARGS_TOO_LARGE,
 * TASK_INVALID_ID, TASK_INVALID_OPTION, TASK_NOT_FOUND, TASK_NOT_REVOCABLE, the WORKFLOW_* codes of
 * WorkflowsService and, when Redis does not answer, TASK_BROKER_UNAVAILABLE.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly registry: TaskRegistry,
    private readonly repository: TasksRepository,
    private readonly queues: TaskQueues,
    private readonly modules: ModuleRef,
    private readonly config: AppConfig,
  ) {}

  /** Enqueues a task to run at once with positional arguments: Celery's `task.delay(*args)`. */
  delay(name: string, ...args: unknown[]): Promise<EnqueuedTaskView> {
    return this.applyAsync(name, { args });
  }

  /**
   * Enqueues a task: Celery's `apply_async`. The arguments and the timing are checked here, so a
   * bad call is refused at once instead of failing later in a worker.
   */
  async applyAsync(name: string, options: ApplyOptions = {}): Promise<EnqueuedTaskView> {
    const { job, queue, view } = this.prepare(name, options);
    await this.repository.add(queue, job);
    return view;
  }

  /**
   * Enqueues several tasks as {@link applyAsync} would, in one round trip per queue: every call is
   * checked first, so a bad one is refused before any is enqueued.
   */
  async applyAsyncBulk(calls: readonly { readonly name: string; readonly options: ApplyOptions }[]): Promise<EnqueuedTaskView[]> {
    const prepared = calls.map(({ name, options }) => this.prepare(name, options));
    const byQueue = new Map<QueueName, NewJob[]>();
    for (const { job, queue } of prepared) {
      const jobs = byQueue.get(queue) ?? [];
      jobs.push(job);
      byQueue.set(queue, jobs);
    }
    await Promise.all([...byQueue].map(([queue, jobs]) => this.repository.addBulk(queue, jobs)));
    return prepared.map(({ view }) => view);
  }

  /** Checks a call and builds its job. */
  private prepare(name: string, options: ApplyOptions): { job: NewJob; queue: QueueName; view: EnqueuedTaskView } {
    const { args = [], kwargs = {} } = options;
    const task = this.registry.get(name);
    bindArguments(name, task.params, args, kwargs);
    // A workflow step enqueued on its parent's completion carries that result: its own arguments
    // were checked when the workflow was submitted, and the result is bounded by the workflow's size.
    if (!options.lineage?.parentId) checkArgumentsSize(name, args, kwargs, this.config.queue.maxArgsBytes);
    const now = Date.now();
    const { queue, priority, timing, expiry, limits } = this.resolveOptions(task, options, now);
    if (options.id !== undefined && !TASK_ID.test(options.id)) {
      throw new AppError('TASK_INVALID_ID', `A task id must be a UUID (got "${options.id}")`, 'invalid');
    }
    const id = options.id ?? randomUUID();
    const eta = timing.eta?.toISOString() ?? null;
    const data = {
      args,
      kwargs,
      eta,
      ...(options.lineage ? { lineage: options.lineage } : {}),
      ...(expiry ? { expires: expiry.toISOString() } : {}),
      ...limits,
    };
    return {
      job: { task, id, data, priority, delayMs: timing.delayMs, enqueuedAt: now },
      queue,
      view: { id, name, state: 'PENDING', eta },
    };
  }

  /**
   * A call's options over its task's, each checked: the one place both a call and a workflow's
   * step are checked, so that a bad option is refused with the same code and message.
   * @param now the moment the call is enqueued, which `countdown` and an `expires` in seconds count from.
   * @throws AppError TASK_INVALID_OPTION or TASK_INVALID_SCHEDULE
   */
  private resolveOptions(task: RegisteredTask, options: CallOptions, now: number) {
    const { queue, priority } = placementOf(task, options);
    const timing = resolveTiming(options, now, this.config.queue.maxDelayMs);
    const expiry = resolveExpiry(options.expires === undefined ? task.expires : options.expires, now);
    return { queue, priority, timing, expiry, limits: resolveTimeLimits(task, options) };
  }

  /**
   * Enqueues a task unless one with `options.id` is kept: then nothing changes and its status is
   * answered. Two first calls with one id at the same instant may both answer `created`; only one
   * task exists (Bull keeps the first job of an id).
   */
  async applyOnce(name: string, options: ApplyOptions = {}): Promise<AppliedOnce> {
    if (options.id !== undefined) {
      this.validate(name, options.args, options.kwargs);
      const existing = TASK_ID.test(options.id) ? await this.repository.find(options.id) : null;
      if (existing) return { created: false, task: toTaskStatus(existing) };
    }
    return { created: true, task: await this.applyAsync(name, options) };
  }

  /**
   * Checks a call without enqueuing it (for callers that validate ahead, such as a schedule).
   * @throws AppError TASK_UNKNOWN or TASK_INVALID_ARGS
   */
  validate(name: string, args: readonly unknown[] = [], kwargs: TaskKwargs = {}): void {
    bindArguments(name, this.registry.get(name).params, args, kwargs);
  }

  /**
   * Checks a call's options as {@link applyAsync} does, without enqueuing (a workflow checks every
   * step's before it enqueues any).
   * @throws AppError TASK_UNKNOWN, TASK_INVALID_OPTION or TASK_INVALID_SCHEDULE
   */
  checkOptions(name: string, options: CallOptions): void {
    this.resolveOptions(this.registry.get(name), options, Date.now());
  }

  /**
   * The task's status: Celery's `AsyncResult`. Unlike Celery, an id that never existed or whose
   * result expired is not reported as PENDING.
   * @throws AppError TASK_NOT_FOUND
   */
  async result(id: string): Promise<TaskStatusView> {
    const task = TASK_ID.test(id) ? await this.repository.find(id) : null;
    if (!task) throw notFound(id);
    return toTaskStatus(task);
  }

  /**
   * Revokes a task that has not started yet (PENDING, or waiting for a RETRY): it will never run.
   * With `terminate` (Celery's `revoke(terminate=True)`), a running task is stopped too: the worker
   * that runs it aborts its signal and, past a short grace, its run; it ends REVOKED, never retried.
   * The answer waits for that end (a little longer than the grace; a task whose worker died ends
   * REVOKED when another takes it back, and shows STARTED meanwhile).
   * @throws AppError TASK_NOT_FOUND, or TASK_NOT_REVOCABLE when it is running (without terminate) or finished.
   */
  async revoke(id: string, { terminate = false }: { readonly terminate?: boolean } = {}): Promise<TaskStatusView> {
    const outcome = TASK_ID.test(id) ? await this.repository.revoke(id, terminate) : 'missing';
    switch (outcome) {
      case 'missing':
        throw notFound(id);
      case 'terminating':
        return this.untilStopped(id);
      case 'active':
        throw new AppError('TASK_NOT_REVOCABLE', `Task ${id} is running: revoke it with terminate to stop it`, 'conflict');
      case 'finished':
        throw new AppError('TASK_NOT_REVOCABLE', `Task ${id} has already finished`, 'conflict');
      case 'revoked':
        return this.result(id);
    }
  }

  /** The task's status once its run stopped after a terminate, or when that takes too long, as it is then. */
  private async untilStopped(id: string): Promise<TaskStatusView> {
    const deadline = Date.now() + TERMINATE_GRACE_MS + TERMINATE_ANSWER_MARGIN_MS;
    for (;;) {
      const status = await this.result(id);
      if (status.state !== 'STARTED' || Date.now() >= deadline) return status;
      await sleep(TERMINATE_POLL_MS);
    }
  }

  /** The most recent tasks, newest first. */
  async list({ state, name, limit = 20 }: TaskListFilter = {}): Promise<TaskStatusView[]> {
    return (await this.repository.list({ state, name }, limit)).map(toTaskStatus);
  }

  /** Runs the steps one after another, each with the previous one's result: Celery's `chain`. */
  chain(...steps: Canvas[]): Promise<SubmittedWorkflow> {
    return this.workflows().submit({ chain: steps });
  }

  /** Runs the members in parallel; the result lists theirs in the order given: Celery's `group`. */
  group(...members: Canvas[]): Promise<SubmittedWorkflow> {
    return this.workflows().submit({ group: members });
  }

  /** Runs `body` once, with the header's ordered results, when every member succeeded: Celery's `chord`. */
  chord(header: readonly Canvas[], body: Canvas): Promise<SubmittedWorkflow> {
    return this.workflows().submit({ chord: { header, body } });
  }

  /**
   * A workflow's status.
   * @throws AppError WORKFLOW_NOT_FOUND
   */
  workflow(id: string): Promise<WorkflowStatus> {
    return this.workflows().status(id);
  }

  /** Round-trips to the broker Redis (`QUEUE_REDIS_URL`). */
  async pingBroker(): Promise<void> {
    await Promise.all(this.queues.allFailFast().map((queue) => queue.client.ping()));
  }

  /**
   * The workflows module's implementation, looked up when first needed rather than injected: that
   * module enqueues through this service, so an injection either way would make a cycle.
   */
  private workflows(): TaskWorkflows {
    return this.modules.get(TaskWorkflows, { strict: false });
  }
}
