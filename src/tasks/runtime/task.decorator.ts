import { DiscoveryService } from '@nestjs/core';
import type { QueueName } from './queues';
import type { RetryRequest } from './retry-backoff';

// The reasons of `context.signal`, for handlers (which import this file only) to recognise.
export { SoftTimeLimitExceeded, Terminated, TimeLimitExceeded } from './time-limits';

/** One positional parameter of a task; a caller may also pass it by name in `kwargs`. */
export interface TaskParam {
  readonly name: string;
  readonly type: 'number' | 'integer' | 'string' | 'boolean' | 'object' | 'array' | 'any';
  /** @defaultValue true */
  readonly required?: boolean;
}

/** How a task is declared: everything about it in one place. */
export interface TaskOptions {
  /** The name callers use (`add`, `update_banner_list`): a stable constant, never a class name. */
  readonly name: string;
  /** The argument schema, checked when the task is enqueued and again before it runs. */
  readonly params: readonly TaskParam[];
  /** @defaultValue QUEUES.default */
  readonly queue?: QueueName;
  /**
   * 1 (highest) to 10 (Bull's priority): on its queue, a waiting task with a priority is taken
   * before every task with a higher number and every task with none.
   * @defaultValue none: first in, first out, behind the tasks that have one
   */
  readonly priority?: number;
  /**
   * Seconds after it is enqueued past which a task that has not started never runs: it ends
   * REVOKED with the error "expired" (Celery's `expires`). @defaultValue none: it never expires
   */
  readonly expires?: number;
  /**
   * At most this many starts per second, minute or hour (`10/s`, `100/m`, `1000/h`: Celery's
   * `rate_limit`), across every worker together. A run over the rate waits, still PENDING, without
   * holding a worker's slot or using an attempt. @defaultValue none: no limit, and no cost
   */
  readonly rateLimit?: string;
  /**
   * Retries after the first run (Celery's `max_retries`): 2 means 3 runs in all. Celery's default
   * is 3; ours retries every error by default (see `autoretryFor`), so a bug costs 3 runs, not 4.
   * @defaultValue 2
   */
  readonly maxRetries?: number;
  /**
   * Seconds before the first retry; each next one doubles (Celery's `retry_backoff`, an integer
   * as there). 0 retries at once. @defaultValue 1
   */
  readonly retryBackoff?: number;
  /** The longest retry delay in seconds (Celery's `retry_backoff_max`). @defaultValue 600 (10 minutes) */
  readonly retryBackoffMax?: number;
  /**
   * Full jitter: each retry waits a random time from 0 to its delay, so that the tasks failed by
   * one outage do not all retry at the same instant (Celery's `retry_jitter`). @defaultValue true
   */
  readonly retryJitter?: boolean;
  /**
   * The errors that are retried, by `name` (`TypeError`) or AppError code (`DATABASE_UNAVAILABLE`)
   * (Celery's `autoretry_for`); any other fails at once. @defaultValue every error
   */
  readonly autoretryFor?: readonly string[];
  /**
   * Seconds after which the handler's `context.signal` aborts with SoftTimeLimitExceeded (Celery's
   * `soft_time_limit`; fractions allowed): a handler that honours it ends with that error, and may
   * catch it to clean up. Below `timeLimit`. @defaultValue none
   */
  readonly softTimeLimit?: number;
  /**
   * Seconds a run may take (Celery's `time_limit`; fractions allowed): then it fails with
   * TimeLimitExceeded (retried while retries are left, when `autoretryFor` allows it), its slot is
   * freed and its signal aborts. A handler in the main thread is stopped only by that signal; its
   * next run waits until it has ended. @defaultValue 60
   */
  readonly timeLimit?: number;
  /**
   * Runs the handler in a pool of worker threads (WORKER_ISOLATED_THREADS) rather than on the
   * worker's event loop: CPU-bound work then delays no lock renewal and no other task, and the
   * time limit terminates the thread, so the work really stops. The thread loads
   * {@link handlerFile} and constructs the class with no arguments: no injected dependencies, no
   * state shared with the worker. @defaultValue false
   */
  readonly isolated?: boolean;
  /**
   * The absolute path of the file whose `@Task` class handles an isolated task, which each thread
   * loads: `__filename` beside `@Task`, `require.resolve('./fib.task')` in a declareTask file.
   * Required with `isolated: true`, refused without it.
   */
  readonly handlerFile?: string;
  /**
   * Registered only when `NODE_ENV=test`: tasks that exist to drive the e2e suite (retries,
   * failures, a worker killed mid-job) and must not be callable in production. @defaultValue false
   */
  readonly testOnly?: boolean;
}

/** What a running task can see and report. */
export interface TaskContext {
  readonly id: string;
  /** 1 on the first run, 2 on the first retry… */
  readonly attempt: number;
  /**
   * Aborts at the soft time limit (reason SoftTimeLimitExceeded), at the hard one
   * (TimeLimitExceeded) or when the task is revoked with terminate (Terminated), whichever comes
   * first: pass it to what the handler awaits, or check it between steps.
   */
  readonly signal: AbortSignal;
  /** Reports progress (0–100); it shows in the task's status. */
  progress(percent: number): Promise<void>;
  /**
   * Ends this run and retries the task (Celery's `self.retry`), after `countdown` seconds or the
   * task's backoff, even for an error `autoretryFor` does not list. With no attempt left the task
   * ends in FAILURE with `error`. It throws, so nothing after the call runs.
   */
  retry(request: RetryRequest): never;
}

/** A task's handler: an injectable class marked with {@link Task}, discovered at start-up. */
export interface TaskHandler<TResult = unknown> {
  run(args: unknown[], context: TaskContext): Promise<TResult> | TResult;
}

/**
 * A task the build knows: its options and, once its handler class is loaded, that class. Processes
 * that only enqueue (api, beat, the CLI) know a task from its declaration alone.
 */
/** A task handler's class, as a class decorator receives it. */
export type TaskClass = abstract new (...args: never[]) => unknown;

export interface TaskDeclaration {
  readonly options: TaskOptions;
  /** The handler class, when it is loaded in this process (always in the worker). */
  readonly target?: TaskClass;
}

/** Lets the worker find the handler instances among the providers of every loaded module. */
const TaskMetadata = DiscoveryService.createDecorator<TaskOptions>();

const declarations: TaskDeclaration[] = [];

/**
 * Declares a task apart from its handler, in a file that imports nothing else: a process that only
 * enqueues it (api, beat, the CLI) then knows its name, schema and options without loading what the
 * handler needs to run (a database, a cache). Mark the handler class with `@Task(declaration)`.
 */
export function declareTask(options: TaskOptions): TaskOptions {
  declarations.push({ options });
  return options;
}

/**
 * Marks a task's handler. The class must be a provider of some module (found by the worker through
 * Nest discovery) and implement {@link TaskHandler}. Give it the object of {@link declareTask}, or
 * the options themselves for a task declared here alone (its producers then load this class too).
 */
export function Task(options: TaskOptions): (target: TaskClass) => void {
  return (target) => {
    const declared = declarations.findIndex((declaration) => declaration.options === options && !declaration.target);
    if (declared >= 0) declarations[declared] = { options, target };
    else declarations.push({ options, target });
    TaskMetadata(options)(target);
  };
}

/** The metadata key that marks task handler providers. */
Task.KEY = TaskMetadata.KEY;

/** Every task declared in the code loaded so far, in declaration order. */
export function declaredTasks(): readonly TaskDeclaration[] {
  return [...declarations];
}
