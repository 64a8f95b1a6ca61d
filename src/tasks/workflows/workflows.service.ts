import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SingleFlight } from '../../cache/single-flight';
import { AppError, type AppErrorCode } from '../../common/app-error';
import { AppConfig } from '../../config/app-config';
import { IdempotencyKeys } from '../idempotency-keys';
import type { TaskStatusView } from '../runtime/task-state';
import { pickCallOptions } from '../runtime/call-options';
import { bindArguments, checkArgumentsSize } from '../runtime/task-arguments';
import type { TaskOutcome } from '../runtime/task-lifecycle';
import { TaskLifecycle } from '../runtime/task-lifecycle';
import type { SubmittedWorkflow, TaskWorkflows, WorkflowState, WorkflowStatus } from '../task-workflows';
import { TaskRegistry } from '../runtime/task.registry';
import { TasksService } from '../tasks.service';
import { compileCanvas, firstTasks, type GroupNode, kindOf, parseCanvas, type PlanNode, type PlannedCall, WorkflowPlan } from './canvas';
import { eachLimited } from './each-limited';
import { stateFromTasks } from './workflow-state';
import { WorkflowStore } from './workflow.store';

/** Workflow ids are random UUIDs; anything else names no workflow (and must never reach a key). */
const WORKFLOW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tasks of the plans a process keeps parsed (a plan never changes, and a chord's members all need
 * the same one), counted in tasks so that a few of the largest workflows bound the memory too.
 * The plan in use is kept even when it alone is larger.
 */
const CACHED_PLAN_TASKS = 20_000;

/**
 * How a group's members are enqueued: in transactions of this many (one round trip each), two in
 * flight so that the next is prepared while the broker runs one. All at once, a chord of 1,000
 * prepared every enqueue before the broker got the first (its first member started some 20 ms
 * late, BENCHMARKS.md).
 */
const ENQUEUE_BATCH = 64;
const ENQUEUE_BATCHES_IN_FLIGHT = 2;

/** Members whose tasks' states a recovery reads at once. */
const RECOVERY_READS_IN_FLIGHT = 16;

/** The input a node is started with: its parent's result, or nothing for a workflow's first tasks. */
type Input = { readonly value: unknown } | undefined;

/** What {@link WorkflowsService.submitOnce} did: submitted the workflow, or found it (its status). */
export type SubmittedOnce =
  { readonly created: true; readonly workflow: SubmittedWorkflow } | { readonly created: false; readonly workflow: WorkflowStatus };

function notFound(id: string): AppError {
  return new AppError('WORKFLOW_NOT_FOUND', `No workflow with id "${id}": it never existed or it has expired`, 'not_found');
}

/**
 * Celery's canvas (chain, group, chord, link) on our tasks, run exactly once per step although
 * workers run a task at least once:
 * - every task of a workflow has an id derived from the workflow id and its position, and
 *   enqueuing an id that exists changes nothing, so a step enqueued twice runs once;
 * - a group counts its finished members in a Redis set, in one script, so a member reported twice
 *   counts once and the chord body is enqueued when the last one is counted (WorkflowStore);
 * - the worker reports a success before Bull marks the job done (TaskLifecycle), so a worker killed
 *   in between leaves a job that runs again and is reported again. The one exception is a task
 *   that is a group's member: its job does not wait for its count (the count's round trip was most
 *   of a chord's cost), and a count lost with its worker is made up from the member's stored result
 *   by {@link recover}, which the workers run on every workflow with a group that has gone
 *   RECOVERY_DELAY_MS (5 s) without a report.
 *
 * Errors are AppErrors: WORKFLOW_INVALID, WORKFLOW_TOO_DEEP, WORKFLOW_TOO_LARGE, WORKFLOW_NOT_FOUND,
 * WORKFLOW_FINISHED, IDEMPOTENCY_KEY_INVALID, IDEMPOTENCY_KEY_REUSED, and the broker's
 * TASK_BROKER_UNAVAILABLE.
 */
@Injectable()
export class WorkflowsService implements TaskWorkflows, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WorkflowsService.name);
  private readonly plans = new Map<string, WorkflowPlan>();
  private readonly planReads = new SingleFlight<WorkflowPlan | null>();
  /** The counts of task members that their jobs did not wait for (see completed), until each is done. */
  private readonly countsUnderWay = new Set<Promise<void>>();

  constructor(
    private readonly tasks: TasksService,
    private readonly registry: TaskRegistry,
    private readonly store: WorkflowStore,
    private readonly lifecycle: TaskLifecycle,
    private readonly config: AppConfig,
    private readonly keys: IdempotencyKeys,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onFinished((outcome) => this.onTaskFinished(outcome));
  }

  /**
   * A stopping worker sends the counts it still holds (a count waits up to 10 ms to go with others)
   * and goes on with a group they complete, instead of leaving them to another worker's recovery
   * 5 s later. Nest runs this before the queues close: TaskQueuesModule is deeper than this module.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.countsUnderWay);
  }

  /**
   * Checks the whole canvas (shape, limits, every task and its arguments), stores its plan, then
   * enqueues its first tasks: a workflow is refused whole or accepted whole.
   * @param input a canvas as parsed JSON.
   * @param id the workflow's id; its tasks' ids derive from it. @defaultValue a new random UUID
   */
  async submit(input: unknown, id: string = randomUUID()): Promise<SubmittedWorkflow> {
    const canvas = parseCanvas(input);
    const plan = new WorkflowPlan(compileCanvas(canvas, id));
    this.check(plan);
    const kind = kindOf(canvas);
    await this.store.create(id, kind, JSON.stringify(plan.root), Date.now(), plan.groups().length > 0);
    this.remember(id, plan);
    await this.start(id, plan.root, undefined, null);
    return { id, kind, state: 'PENDING', tasks: plan.tasks().map((task) => task.id) };
  }

  /**
   * Submits a workflow, once per `Idempotency-Key`: with a key already used for this canvas,
   * nothing changes and its status is answered. The workflow's id derives from the key, so two
   * first requests at the same instant (both answered `created`) store the same plan and enqueue
   * the same task ids: one workflow exists.
   * @throws AppError IDEMPOTENCY_KEY_INVALID or IDEMPOTENCY_KEY_REUSED, besides submit's.
   */
  async submitOnce(input: unknown, idempotencyKey?: string): Promise<SubmittedOnce> {
    if (idempotencyKey === undefined) return { created: true, workflow: await this.submit(input) };
    const id = await this.keys.claim('workflow', idempotencyKey, input);
    if (await this.store.plan(id)) return { created: false, workflow: await this.status(id) };
    return { created: true, workflow: await this.submit(input, id) };
  }

  /**
   * The workflow's state and its tasks. A final state is stored when it happens; until then the
   * state follows from the tasks, so a member that failed or was revoked shows even when no worker
   * reported it.
   * @throws AppError WORKFLOW_NOT_FOUND
   */
  async status(id: string): Promise<WorkflowStatus> {
    const stored = WORKFLOW_ID.test(id) ? await this.store.read(id) : null;
    if (!stored) throw notFound(id);
    const plan = this.remember(id, new WorkflowPlan(JSON.parse(stored.plan) as PlanNode));
    const tasks = (await Promise.all(plan.tasks().map((task) => this.taskStatus(task.id)))).filter(
      (task): task is TaskStatusView => task !== null,
    );
    const failed = tasks.find((task) => task.state === 'FAILURE');
    const state = stored.state ?? stateFromTasks(tasks);
    // Until a worker's report is stored, a workflow ended by a task ends when that task did.
    const endedBy = stored.state ? undefined : tasks.find((task) => task.state === state);
    return {
      id,
      kind: stored.kind,
      state,
      result: state === 'SUCCESS' ? stored.result : null,
      error: state === 'FAILURE' ? (stored.error ?? (failed ? `${failed.name} (${failed.id}) failed: ${failed.error}` : null)) : null,
      tasks,
      createdAt: new Date(stored.createdAt).toISOString(),
      finishedAt: stored.finishedAt === null ? (endedBy?.finishedAt ?? null) : new Date(stored.finishedAt).toISOString(),
    };
  }

  /**
   * Revokes the workflow: no further step is enqueued, and every task of it that has not started
   * is revoked. Those running finish, but their results go nowhere.
   * @throws AppError WORKFLOW_NOT_FOUND, or WORKFLOW_FINISHED when it has already finished.
   */
  async revoke(id: string): Promise<WorkflowStatus> {
    const before = await this.status(id);
    if (before.state === 'SUCCESS' || before.state === 'FAILURE' || before.state === 'REVOKED') throw this.finished(id, before.state);
    const state = await this.store.finish(id, 'REVOKED', {});
    const plan = await this.planOf(id);
    if (state === null || plan === null) throw notFound(id);
    if (state !== 'REVOKED') throw this.finished(id, state);
    await Promise.all(plan.tasks().map((task) => this.revokeQuietly(task.id)));
    return this.status(id);
  }

  /** Moves a workflow on when one of its tasks finished for good (see TaskLifecycle); a task of no workflow, at once. */
  private onTaskFinished(outcome: TaskOutcome): Promise<void> | undefined {
    const lineage = outcome.data.lineage;
    return lineage?.node ? this.onWorkflowTaskFinished(outcome, lineage.workflowId, lineage.node) : undefined;
  }

  private async onWorkflowTaskFinished(outcome: TaskOutcome, workflowId: string, node: string): Promise<void> {
    const plan = await this.planOf(workflowId);
    const task = plan?.task(node);
    if (!plan || !task) return;
    if (outcome.state === 'SUCCESS') {
      if (task.link) await this.enqueue(workflowId, [{ call: task.link }], { value: outcome.result }, outcome.id);
      await this.completed(workflowId, plan, task.path, outcome.result, outcome.id);
      return;
    }
    // A task its worker revoked (expired, terminated) ends the workflow as a revoke does: REVOKED,
    // with no linkError, which is for failures.
    if (outcome.state === 'REVOKED') {
      await this.store.finish(workflowId, 'REVOKED', {});
      return;
    }
    if (task.linkError) await this.enqueue(workflowId, [{ call: task.linkError }], { value: outcome.id }, outcome.id);
    await this.store.finish(workflowId, 'FAILURE', { error: `${outcome.name} (${outcome.id}) failed: ${outcome.error}` });
  }

  /** A node succeeded with `result`: start what follows it, or complete its parent. */
  private async completed(workflowId: string, plan: WorkflowPlan, path: string, result: unknown, causeId: string): Promise<void> {
    const position = plan.positionOf(path);
    if (!position) {
      await this.store.finish(workflowId, 'SUCCESS', { result });
      return;
    }
    const { parent, index } = position;
    switch (parent.kind) {
      case 'chain':
        if (index < parent.steps.length - 1) return this.start(workflowId, parent.steps[index + 1], { value: result }, causeId);
        return this.completed(workflowId, plan, parent.path, result, causeId);
      case 'group': {
        const counted = this.countMember(workflowId, plan, parent, index, result, causeId);
        if (!plan.task(path)) return counted;
        // A task member's job does not wait for its count: recover() makes up a count lost.
        const underWay = counted.catch((error: unknown) =>
          this.logger.warn({ err: error, workflowId, taskId: causeId }, 'A group member was not counted: the workflow recovers it later'),
        );
        this.countsUnderWay.add(underWay);
        void underWay.finally(() => this.countsUnderWay.delete(underWay));
        return;
      }
      case 'chord':
        // The header (0) gathered its results: the body runs with them. The body (1) ends the chord.
        if (index === 0) return this.start(workflowId, parent.body, { value: result }, causeId);
        return this.completed(workflowId, plan, parent.path, result, causeId);
    }
  }

  /** Counts a member of the group; the call that completes the group goes on with its results. */
  private async countMember(
    workflowId: string,
    plan: WorkflowPlan,
    group: GroupNode,
    index: number,
    result: unknown,
    causeId: string,
  ): Promise<void> {
    const results = await this.store.countMember(workflowId, group.path, index, group.members.length, result);
    if (!results) return;
    await this.completed(workflowId, plan, group.path, results, causeId);
    await this.store.markContinued(workflowId, group.path);
  }

  /**
   * Makes up the counts workers lost, in up to `limit` workflows with a group that have gone
   * RECOVERY_DELAY_MS (5 s) without a report (each is checked again later while it runs; see
   * WorkflowStore.checkLater). A group member whose task succeeded but was never counted (its
   * worker was killed between the task's end and its count) is counted from the result Bull
   * stored, and a group counted whole goes on again unless it is marked as gone on, in case the
   * worker that counted it last was killed before enqueuing what follows (a second enqueue of it
   * changes nothing while Bull keeps its job). The workers call it every second
   * (WorkflowRecovery); each workflow due goes to one of them.
   */
  async recoverDue(limit: number): Promise<void> {
    for (const id of await this.store.claimDue(limit)) await this.recover(id);
  }

  private async recover(id: string): Promise<void> {
    const stored = await this.store.read(id);
    if (!stored || stored.state) {
      await this.store.forget(id);
      return;
    }
    const plan = this.plans.get(id) ?? this.remember(id, new WorkflowPlan(JSON.parse(stored.plan) as PlanNode));
    for (const group of plan.groups()) await this.recoverGroup(id, plan, group);
    await this.store.checkLater(id, stored.createdAt);
  }

  private async recoverGroup(workflowId: string, plan: WorkflowPlan, group: GroupNode): Promise<void> {
    // A group that went on is done: what followed may even have finished, and left Bull's history.
    if (await this.store.continued(workflowId, group.path)) return;
    const counted = await this.store.counted(workflowId, group.path);
    if (counted.size === group.members.length) {
      const first = firstTasks(group.members[0])[0];
      await this.countMember(workflowId, plan, group, 0, null, first.id);
      return;
    }
    const uncounted = group.members.flatMap((member, index) => (member.kind === 'task' && !counted.has(index) ? [{ member, index }] : []));
    await eachLimited(uncounted, RECOVERY_READS_IN_FLIGHT, async ({ member, index }) => {
      const status = await this.taskStatus(member.id);
      if (status?.state === 'SUCCESS') await this.countMember(workflowId, plan, group, index, status.result, member.id);
    });
  }

  /** Enqueues the first tasks of a node, each with `input` unless immutable. */
  private start(workflowId: string, node: PlanNode, input: Input, parentId: string | null): Promise<void> {
    return this.enqueue(
      workflowId,
      firstTasks(node).map((task) => ({ call: task, node: task.path })),
      input,
      parentId,
    );
  }

  /**
   * Enqueues tasks under their derived ids, {@link ENQUEUE_BATCH} in one round trip: a second
   * enqueue of the same step changes nothing. Nothing follows a revoked workflow's task: the revoke
   * marks the workflow before it revokes its tasks, and this reads the mark before enqueuing and
   * again after each batch, so a step enqueued while the revoke ran is revoked too. A step that
   * cannot take the input it is given (a list where it wants a number) fails the workflow, and none
   * of the others is enqueued: running its parent again would not help.
   * @param calls each call, with its task's path in the plan (none for a `link` or `linkError`).
   */
  private async enqueue(
    workflowId: string,
    calls: readonly { readonly call: PlannedCall; readonly node?: string }[],
    input: Input,
    parentId: string | null,
  ): Promise<void> {
    const follows = parentId !== null;
    if (follows && (await this.store.state(workflowId)) === 'REVOKED') return;
    const steps = calls.map(({ call, node }) => ({
      call,
      node,
      args: call.receivesInput && input ? [input.value, ...call.args] : call.args,
    }));
    // The calls were checked when the workflow was submitted: only an input may not fit.
    const refused = input ? this.refusedInput(steps) : undefined;
    if (refused) {
      const { call, message } = refused;
      await this.store.finish(workflowId, 'FAILURE', { error: `${call.name} (${call.id}) cannot take its input: ${message}` });
      return;
    }
    const batches = Array.from({ length: Math.ceil(steps.length / ENQUEUE_BATCH) }, (_, i) =>
      steps.slice(i * ENQUEUE_BATCH, (i + 1) * ENQUEUE_BATCH),
    );
    // Each batch's calls are built when it goes, so that the first goes before the others are built.
    await eachLimited(batches, ENQUEUE_BATCHES_IN_FLIGHT, async (batch) => {
      await this.tasks.applyAsyncBulk(
        batch.map(({ call, node, args }) => {
          const lineage = { workflowId, parentId, ...(node !== undefined && { node }) };
          return { name: call.name, options: { ...pickCallOptions(call), id: call.id, args, kwargs: call.kwargs, lineage } };
        }),
      );
      if (follows && (await this.store.state(workflowId)) === 'REVOKED') {
        await Promise.all(batch.map(({ call }) => this.revokeQuietly(call.id)));
      }
    });
  }

  /** The first call whose arguments, its input first, its task refuses. */
  private refusedInput(
    steps: readonly { readonly call: PlannedCall; readonly args: readonly unknown[] }[],
  ): { call: PlannedCall; message: string } | undefined {
    for (const { call, args } of steps) {
      try {
        this.tasks.validate(call.name, args, call.kwargs);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'TASK_INVALID_ARGS') throw error;
        return { call, message: error.message };
      }
    }
    return undefined;
  }

  /**
   * Checks every call before anything is enqueued: its task and arguments against the registry,
   * its options as `applyAsync` checks them. A task that receives an input takes it as its first
   * parameter, so the call's own arguments bind to the others.
   * @throws AppError WORKFLOW_INVALID listing every problem with the task's position, and in
   * `causes` the code and message each problem found by a task check has when a call makes it.
   */
  private check(plan: WorkflowPlan): void {
    const problems: string[] = [];
    const causes: { at: string; code: AppErrorCode; message: string }[] = [];
    /** Runs a check, recording its AppError as a problem; `argsNote` follows the position when the arguments are refused. */
    const attempt = (at: string, check: () => void, argsNote = ''): boolean => {
      try {
        check();
        return true;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        problems.push(`${at}${error.code === 'TASK_INVALID_ARGS' ? argsNote : ''}: ${error.message}`);
        causes.push({ at, code: error.code, message: error.message });
        return false;
      }
    };
    const checkCall = (call: PlannedCall, at: string) => {
      if (!attempt(at, () => this.registry.get(call.name))) return;
      const { params } = this.registry.get(call.name);
      if (call.receivesInput && params.length === 0) {
        problems.push(`${at}: task "${call.name}" takes no argument but is given its parent's result: make it immutable`);
      } else {
        const argsNote = call.receivesInput ? ' (its input comes first, then these arguments)' : '';
        attempt(
          at,
          () => {
            bindArguments(call.name, call.receivesInput ? params.slice(1) : params, call.args, call.kwargs);
            checkArgumentsSize(call.name, call.args, call.kwargs, this.config.queue.maxArgsBytes);
          },
          argsNote,
        );
      }
      attempt(at, () => this.tasks.checkOptions(call.name, pickCallOptions(call)));
    };
    for (const task of plan.tasks()) {
      checkCall(task, `task ${task.path}`);
      if (task.link) checkCall(task.link, `link of task ${task.path}`);
      if (task.linkError) checkCall(task.linkError, `linkError of task ${task.path}`);
    }
    if (problems.length > 0) {
      throw new AppError('WORKFLOW_INVALID', `Invalid workflow: ${problems.join('; ')}`, 'invalid', { problems, causes });
    }
  }

  /** The workflow's plan, read and parsed once per process: a chord's first members finish together and share one read. */
  private async planOf(id: string): Promise<WorkflowPlan | null> {
    const cached = this.plans.get(id);
    if (cached) return cached;
    return this.planReads.run(id, async () => {
      const json = await this.store.plan(id);
      return json === null ? null : this.remember(id, new WorkflowPlan(JSON.parse(json) as PlanNode));
    });
  }

  /** Caches a plan, dropping the oldest ones beyond the bound. */
  private remember(id: string, plan: WorkflowPlan): WorkflowPlan {
    this.plans.delete(id);
    this.plans.set(id, plan);
    let tasks = 0;
    for (const cached of this.plans.values()) tasks += cached.tasks().length;
    for (const [oldest, cached] of this.plans) {
      if (tasks <= CACHED_PLAN_TASKS || oldest === id) break;
      tasks -= cached.tasks().length;
      this.plans.delete(oldest);
    }
    return plan;
  }

  private async taskStatus(id: string): Promise<TaskStatusView | null> {
    try {
      return await this.tasks.result(id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'TASK_NOT_FOUND') return null;
      throw error;
    }
  }

  /** Revokes a task unless it is gone, running or finished. */
  private async revokeQuietly(id: string): Promise<void> {
    try {
      await this.tasks.revoke(id);
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'TASK_NOT_FOUND' && error.code !== 'TASK_NOT_REVOCABLE')) throw error;
    }
  }

  private finished(id: string, state: WorkflowState): AppError {
    return new AppError('WORKFLOW_FINISHED', `Workflow ${id} has already finished (${state})`, 'conflict');
  }
}
