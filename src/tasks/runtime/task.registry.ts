import { isAbsolute } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error';
import { AppConfig } from '../../config/app-config';
import { ConfigError } from '../../config/env-reader';
import { ALL_QUEUES, isQueueName, type QueueName, QUEUES } from './queues';
import { MAX_RATE_LIMIT, parseRate } from './rate-limit/rate';
import { isTimeLimit, MAX_TIME_LIMIT_SECONDS, softLimitProblem } from './time-limits';
import { declaredTasks, type TaskClass, type TaskDeclaration, type TaskOptions, type TaskParam } from './task.decorator';

/** A declared task with its defaults applied. */
export interface RegisteredTask {
  readonly name: string;
  readonly params: readonly TaskParam[];
  readonly queue: QueueName;
  /** 1 (highest) to 10, or undefined for none. */
  readonly priority?: number;
  /** Seconds after enqueuing past which it never starts, or undefined for never. */
  readonly expires?: number;
  /** At most so many starts per second, minute or hour across all workers (`10/s`), or undefined for no limit. */
  readonly rateLimit?: string;
  /** Retries after the first run. */
  readonly maxRetries: number;
  /** Seconds. */
  readonly retryBackoff: number;
  /** Seconds. */
  readonly retryBackoffMax: number;
  readonly retryJitter: boolean;
  /** null: every error is retried. */
  readonly autoretryFor: readonly string[] | null;
  /** Seconds, or undefined for none. */
  readonly softTimeLimit?: number;
  /** Seconds. */
  readonly timeLimit: number;
  /** Whether it runs in the pool of threads; then `handlerFile` is the file its thread loads. */
  readonly isolated: boolean;
  readonly handlerFile?: string;
  /** The handler class, when loaded (always in the worker, which runs the provider instance of it). */
  readonly target?: TaskClass;
}

export const TASK_DEFAULTS = {
  queue: QUEUES.default,
  maxRetries: 2,
  retryBackoff: 1,
  retryBackoffMax: 600,
  retryJitter: true,
  autoretryFor: null,
  timeLimit: 60,
  isolated: false,
} as const;

/** Bull's priority numbers as tasks use them: 1 is taken first. */
export const PRIORITY = { highest: 1, lowest: 10 } as const;

export function isPriority(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= PRIORITY.highest && (value as number) <= PRIORITY.lowest;
}

const PARAM_TYPES: ReadonlySet<string> = new Set(['number', 'integer', 'string', 'boolean', 'object', 'array', 'any']);

/** A task declaration that cannot work; the message names the class and what to fix. */
export class TaskDeclarationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskDeclarationError';
  }
}

const labelOf = ({ options, target }: TaskDeclaration) => `Task "${options.name}"${target ? ` (class ${target.name})` : ''}`;
const byWhom = (target: TaskClass | undefined) => (target ? `by class ${target.name}` : 'by a declareTask()');

function problemsOf({ options, target }: TaskDeclaration): string[] {
  const problems: string[] = [];
  if (typeof options.name !== 'string' || options.name.trim() === '') problems.push('name must be a non-empty string');
  if (target && typeof (target.prototype as { run?: unknown }).run !== 'function') {
    problems.push('the class has no run(args, context) method: implement TaskHandler');
  }
  if (options.queue !== undefined && !isQueueName(options.queue)) {
    problems.push(`queue "${String(options.queue)}" is unknown: use one of ${ALL_QUEUES.join(', ')} (src/tasks/runtime/queues.ts)`);
  }
  const isCount = (value: number | undefined, min: number) => value === undefined || (Number.isInteger(value) && value >= min);
  if (options.priority !== undefined && !isPriority(options.priority))
    problems.push(`priority must be an integer from ${PRIORITY.highest} to ${PRIORITY.lowest}`);
  if (options.expires !== undefined && !(Number.isFinite(options.expires) && options.expires > 0)) {
    problems.push('expires must be a number of seconds above 0');
  }
  if (options.rateLimit !== undefined && !parseRate(options.rateLimit)) {
    problems.push(`rateLimit must be a count from 1 to ${MAX_RATE_LIMIT} per s, m or h, such as "10/s", "100/m" or "1000/h"`);
  }
  if (!isCount(options.maxRetries, 0)) problems.push('maxRetries must be an integer of at least 0');
  if (!isCount(options.retryBackoff, 0)) problems.push('retryBackoff must be an integer number of seconds, 0 or more');
  if (!isCount(options.retryBackoffMax, 0)) problems.push('retryBackoffMax must be an integer number of seconds, 0 or more');
  if (options.retryJitter !== undefined && typeof options.retryJitter !== 'boolean') problems.push('retryJitter must be true or false');
  if (options.timeLimit !== undefined && !isTimeLimit(options.timeLimit)) {
    problems.push(`timeLimit must be a number of seconds above 0, at most ${MAX_TIME_LIMIT_SECONDS}`);
  }
  if (options.softTimeLimit !== undefined && !isTimeLimit(options.softTimeLimit)) {
    problems.push(`softTimeLimit must be a number of seconds above 0, at most ${MAX_TIME_LIMIT_SECONDS}`);
  }
  problems.push(...isolationProblemsOf(options));
  const retried = options.autoretryFor as unknown;
  if (retried !== undefined && !(Array.isArray(retried) && retried.every((name) => typeof name === 'string' && name !== ''))) {
    problems.push('autoretryFor must be a list of error names or codes');
  }
  if (!Array.isArray(options.params)) problems.push('params must be an array (use [] for none)');
  const params: readonly TaskParam[] = Array.isArray(options.params) ? (options.params as readonly TaskParam[]) : [];
  const seen = new Set<string>();
  for (const param of params) {
    if (seen.has(param.name)) problems.push(`parameter "${param.name}" is declared twice`);
    if (!PARAM_TYPES.has(param.type)) problems.push(`parameter "${param.name}" has unknown type "${param.type}"`);
    seen.add(param.name);
  }
  const firstOptional = params.findIndex((param) => param.required === false);
  if (firstOptional >= 0 && params.slice(firstOptional).some((param) => param.required !== false)) {
    problems.push('a required parameter follows an optional one: put optional parameters last');
  }
  return problems;
}

function isolationProblemsOf({ isolated, handlerFile }: TaskOptions): string[] {
  if (isolated !== undefined && typeof isolated !== 'boolean') return ['isolated must be true or false'];
  if (!isolated) return handlerFile === undefined ? [] : ['handlerFile is only for isolated tasks: add isolated: true or remove it'];
  if (typeof handlerFile !== 'string' || !isAbsolute(handlerFile)) {
    return ['an isolated task needs handlerFile, the absolute path of the file of its @Task class (__filename there)'];
  }
  return [];
}

/**
 * Moves tasks to the queues `TASK_ROUTES` names (Celery's `task_routes`).
 * @throws ConfigError naming TASK_ROUTES and the unknown task or queue.
 */
function applyRoutes(tasks: Map<string, RegisteredTask>, routes: Readonly<Record<string, string>>): void {
  for (const [name, queue] of Object.entries(routes)) {
    const task = tasks.get(name);
    if (!task) throw new ConfigError('TASK_ROUTES', `a JSON object whose keys are tasks (${[...tasks.keys()].join(', ')})`, name);
    if (!isQueueName(queue)) {
      throw new ConfigError('TASK_ROUTES', `a JSON object whose values are queues (${ALL_QUEUES.join(', ')})`, `${name}: ${queue}`);
    }
    tasks.set(name, { ...task, queue });
  }
}

/** The declared options `TASK_ANNOTATIONS` may override. */
const ANNOTATABLE: ReadonlySet<string> = new Set([
  'queue',
  'priority',
  'expires',
  'rateLimit',
  'maxRetries',
  'retryBackoff',
  'retryBackoffMax',
  'retryJitter',
  'autoretryFor',
  'softTimeLimit',
  'timeLimit',
]);

/**
 * Overrides declared options with `TASK_ANNOTATIONS` (Celery's `task_annotations`).
 * @throws ConfigError naming TASK_ANNOTATIONS, the task and the option that cannot apply.
 */
function applyAnnotations(tasks: Map<string, RegisteredTask>, annotations: Readonly<Record<string, unknown>>): void {
  const refuse = (expected: string, received: string) => new ConfigError('TASK_ANNOTATIONS', expected, received);
  for (const [name, overrides] of Object.entries(annotations)) {
    const task = tasks.get(name);
    if (!task) throw refuse(`a JSON object whose keys are tasks (${[...tasks.keys()].join(', ')})`, name);
    if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
      throw refuse('a JSON object of options per task, such as {"add":{"priority":3}}', name);
    }
    for (const [option, value] of Object.entries(overrides as Record<string, unknown>)) {
      if (!ANNOTATABLE.has(option)) throw refuse(`options among ${[...ANNOTATABLE].join(', ')}`, `${name}.${option}`);
      const problems = problemsOf({ options: { name, params: task.params, [option]: value } });
      if (problems.length > 0) throw refuse(`valid options (${problems.join('; ')})`, `${name}.${option}: ${JSON.stringify(value)}`);
    }
    const annotated: RegisteredTask = { ...task, ...(overrides as Partial<RegisteredTask>) };
    const softProblem = softLimitProblem(annotated.softTimeLimit, annotated.timeLimit);
    if (softProblem) throw refuse(`valid options (${softProblem})`, `${name}.softTimeLimit: ${String(annotated.softTimeLimit)}`);
    tasks.set(name, annotated);
  }
}

/** What the deployment lays over the declarations: TASK_ROUTES and TASK_ANNOTATIONS. */
export interface TaskOverrides {
  /** Task name → queue. */
  readonly routes?: Readonly<Record<string, string>>;
  /** Task name → options. */
  readonly annotations?: Readonly<Record<string, unknown>>;
}

/**
 * Checks every declaration, applies the defaults, then the annotations and the routes.
 * @param includeTestOnly whether `testOnly` tasks are registered (only when NODE_ENV=test).
 * @throws TaskDeclarationError on a duplicate name or a declaration that cannot work; ConfigError
 * on a route or annotation that names what does not exist or cannot apply.
 */
export function buildRegistry(
  declarations: readonly TaskDeclaration[],
  includeTestOnly: boolean,
  { routes = {}, annotations = {} }: TaskOverrides = {},
): ReadonlyMap<string, RegisteredTask> {
  const tasks = new Map<string, RegisteredTask>();
  for (const declaration of declarations) {
    const { options, target } = declaration;
    if (options.testOnly && !includeTestOnly) continue;
    const problems = problemsOf(declaration);
    const softProblem = softLimitProblem(options.softTimeLimit, options.timeLimit ?? TASK_DEFAULTS.timeLimit);
    if (softProblem) problems.push(softProblem);
    if (problems.length > 0) {
      throw new TaskDeclarationError(`${labelOf(declaration)}: ${problems.join('; ')}`);
    }
    const existing = tasks.get(options.name);
    if (existing) {
      throw new TaskDeclarationError(
        `Task name "${options.name}" is declared twice, ${byWhom(existing.target)} and ${byWhom(target)}: ` + 'give each task its own name',
      );
    }
    tasks.set(options.name, {
      name: options.name,
      params: options.params,
      queue: options.queue ?? TASK_DEFAULTS.queue,
      priority: options.priority,
      expires: options.expires,
      rateLimit: options.rateLimit,
      maxRetries: options.maxRetries ?? TASK_DEFAULTS.maxRetries,
      retryBackoff: options.retryBackoff ?? TASK_DEFAULTS.retryBackoff,
      retryBackoffMax: options.retryBackoffMax ?? TASK_DEFAULTS.retryBackoffMax,
      retryJitter: options.retryJitter ?? TASK_DEFAULTS.retryJitter,
      autoretryFor: options.autoretryFor ?? TASK_DEFAULTS.autoretryFor,
      softTimeLimit: options.softTimeLimit,
      timeLimit: options.timeLimit ?? TASK_DEFAULTS.timeLimit,
      isolated: options.isolated ?? TASK_DEFAULTS.isolated,
      handlerFile: options.handlerFile,
      target,
    });
  }
  applyAnnotations(tasks, annotations);
  applyRoutes(tasks, routes);
  return tasks;
}

/**
 * Every task of the build, from the `@Task` declarations, checked once at start-up. Processes that
 * only enqueue use it to validate calls; the worker also needs a provider for each (see
 * TasksProcessor).
 */
@Injectable()
export class TaskRegistry {
  private readonly tasks: ReadonlyMap<string, RegisteredTask>;

  constructor(config: AppConfig) {
    const { routes, annotations } = config.queue;
    this.tasks = buildRegistry(declaredTasks(), config.nodeEnv === 'test', { routes, annotations });
  }

  /** @throws AppError `TASK_UNKNOWN` */
  get(name: string): RegisteredTask {
    const task = this.tasks.get(name);
    if (!task) {
      throw new AppError('TASK_UNKNOWN', `Unknown task "${name}": known tasks are ${[...this.tasks.keys()].join(', ')}`, 'not_found');
    }
    return task;
  }

  all(): RegisteredTask[] {
    return [...this.tasks.values()];
  }
}
