import { parseArgs } from 'node:util';
import { parseRoles, type Role, UnknownRoleError } from './roles';
import { parseQueueList, type QueueName, UnknownQueueError } from './tasks/runtime/queues';
import type { EnqueueCommand, ResultCommand } from './tasks/tasks.cli';
import type { WorkflowCommand } from './tasks/workflows/workflows.cli';

export type { EnqueueCommand, ResultCommand, WorkflowCommand };

/** `node dist/main [--role=…] [--queues=…]`: run the roles. */
export interface ServeCommand {
  readonly kind: 'serve';
  readonly roles: ReadonlySet<Role>;
  /** The queues a worker takes jobs from; undefined: every queue. */
  readonly queues?: readonly QueueName[];
}

export type Command = ServeCommand | EnqueueCommand | ResultCommand | WorkflowCommand;

const ENQUEUE_USAGE =
  'Usage: node dist/main enqueue <task> [args…] [--countdown SECONDS | --eta ISO-8601] [--id UUID] [--queue QUEUE] [--priority 1-10] [--expires SECONDS | ISO-8601] [--soft-time-limit SECONDS] [--time-limit SECONDS]';
const RESULT_USAGE = 'Usage: node dist/main result <id>';
const WORKFLOW_USAGE = `Usage: node dist/main workflow '{"chain":[{"name":"add","args":[2,2]},{"name":"add","args":[4]}]}'`;

/** A command line that cannot be run; the message says why and how to write it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command-line argument of a task: JSON when it parses (`10`, `true`, `[1,2]`, `"10"`), else the text. */
export function parseTaskArgument(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const ENQUEUE_OPTIONS: ReadonlySet<string> = new Set([
  '--countdown',
  '--eta',
  '--id',
  '--queue',
  '--priority',
  '--expires',
  '--soft-time-limit',
  '--time-limit',
]);

/** A number of seconds above 0 (fractions allowed), as the time limits take it; TasksService checks the bounds. */
function secondsOption(options: ReadonlyMap<string, string>, flag: string): number | undefined {
  const text = options.get(flag);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} must be a number of seconds above 0 (got "${text}")`);
  }
  return value;
}

function parseEnqueue(tokens: readonly string[]): EnqueueCommand {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  let optionsEnded = false;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    // Only `--name` is an option, so negative numbers (`enqueue low -5 3`) stay arguments.
    if (optionsEnded || !token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    if (token === '--') {
      optionsEnded = true;
      continue;
    }
    const [flag, inline] = token.includes('=') ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)] : [token];
    if (!ENQUEUE_OPTIONS.has(flag)) throw new UsageError(`Unknown option ${flag}. ${ENQUEUE_USAGE}`);
    if (options.has(flag)) throw new UsageError(`${flag} is given twice. ${ENQUEUE_USAGE}`);
    const value = inline ?? tokens[++index];
    if (value === undefined) throw new UsageError(`${flag} needs a value. ${ENQUEUE_USAGE}`);
    options.set(flag, value);
  }

  const [task, ...args] = positionals;
  if (task === undefined) throw new UsageError(`enqueue needs a task name. ${ENQUEUE_USAGE}`);
  const countdownText = options.get('--countdown');
  const countdown = countdownText === undefined ? undefined : Number(countdownText);
  if (countdown !== undefined && (countdownText?.trim() === '' || !Number.isFinite(countdown) || countdown < 0)) {
    throw new UsageError(`--countdown must be a number of seconds, 0 or more (got "${countdownText}")`);
  }
  const priorityText = options.get('--priority');
  const priority = priorityText === undefined ? undefined : Number(priorityText);
  if (priority !== undefined && (!/^\d+$/.test(priorityText ?? '') || priority < 1 || priority > 10)) {
    throw new UsageError(`--priority must be an integer from 1 (highest) to 10 (got "${priorityText}")`);
  }
  const expiresText = options.get('--expires');
  // Seconds when it is a number, else a date-time: TasksService checks either.
  const expires = expiresText === undefined || Number.isNaN(Number(expiresText)) ? expiresText : Number(expiresText);
  const optional = {
    id: options.get('--id'),
    queue: options.get('--queue'),
    priority,
    expires,
    softTimeLimit: secondsOption(options, '--soft-time-limit'),
    timeLimit: secondsOption(options, '--time-limit'),
  };
  const given = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
  return { kind: 'enqueue', task, args: args.map(parseTaskArgument), countdown, eta: options.get('--eta'), ...given };
}

function parseResult(tokens: readonly string[]): ResultCommand {
  if (tokens.length !== 1 || tokens[0].startsWith('--')) throw new UsageError(`result takes exactly one task id. ${RESULT_USAGE}`);
  return { kind: 'result', id: tokens[0] };
}

function parseWorkflow(tokens: readonly string[]): WorkflowCommand {
  if (tokens.length !== 1) throw new UsageError(`workflow takes exactly one canvas, as JSON. ${WORKFLOW_USAGE}`);
  try {
    return { kind: 'workflow', canvas: JSON.parse(tokens[0]) };
  } catch (error) {
    throw new UsageError(`The canvas is not JSON: ${(error as Error).message}. ${WORKFLOW_USAGE}`);
  }
}

/**
 * Reads `node dist/main`'s arguments: a subcommand (`enqueue`, `result`, `workflow`) or the roles to run.
 * @throws UsageError with a message for the user.
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === 'enqueue') return parseEnqueue(rest);
  if (first === 'result') return parseResult(rest);
  if (first === 'workflow') return parseWorkflow(rest);
  let values: { role?: string; queues?: string };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { role: { type: 'string' }, queues: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message}. Usage: node dist/main [--role=ROLES] [--queues=QUEUES] | enqueue <task> [args…] | result <id> | workflow <canvas JSON>`,
    );
  }
  try {
    const roles = parseRoles(values.role);
    if (values.queues === undefined) return { kind: 'serve', roles };
    if (!roles.has('worker')) throw new UsageError('--queues chooses the queues of a worker: add worker to --role');
    return { kind: 'serve', roles, queues: parseQueueList(values.queues) };
  } catch (error) {
    if (error instanceof UnknownRoleError || error instanceof UnknownQueueError) throw new UsageError(error.message);
    throw error;
  }
}
