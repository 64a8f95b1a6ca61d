import { AppError } from '../../common/app-error';
import type { TaskParam } from './task.decorator';

/** Keyword arguments: parameters passed by name, as in Celery's `kwargs`. */
export type TaskKwargs = Readonly<Record<string, unknown>>;

const TYPE_CHECKS: Record<TaskParam['type'], (value: unknown) => boolean> = {
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  integer: (value) => Number.isSafeInteger(value),
  string: (value) => typeof value === 'string',
  boolean: (value) => typeof value === 'boolean',
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  array: (value) => Array.isArray(value),
  any: (value) => value !== undefined,
};

/**
 * Binds positional `args` and keyword `kwargs` to a task's declared parameters, the way Python
 * binds a call: positionals fill the parameters in order, keywords by name. Returns the positional
 * list the handler receives, one entry per parameter (an omitted optional one is `undefined`).
 * @throws AppError `TASK_INVALID_ARGS` listing every problem found.
 */
export function bindArguments(task: string, params: readonly TaskParam[], args: readonly unknown[], kwargs: TaskKwargs): unknown[] {
  const problems: string[] = [];
  if (args.length > params.length) {
    problems.push(`takes ${params.length} positional argument(s) but ${args.length} were given`);
  }
  const names = new Set(params.map((param) => param.name));
  for (const key of Object.keys(kwargs)) {
    if (!names.has(key)) problems.push(`unexpected keyword argument "${key}"`);
  }

  const bound = params.map((param, index) => {
    const byPosition = index < args.length;
    const byName = Object.hasOwn(kwargs, param.name);
    if (byPosition && byName) {
      problems.push(`got multiple values for argument "${param.name}"`);
      return undefined;
    }
    if (!byPosition && !byName) {
      if (param.required ?? true) problems.push(`missing required argument "${param.name}"`);
      return undefined;
    }
    const value = byPosition ? args[index] : kwargs[param.name];
    if (!TYPE_CHECKS[param.type](value)) {
      problems.push(`argument "${param.name}" must be ${describeType(param.type)} (got ${JSON.stringify(value) ?? 'undefined'})`);
    }
    return value;
  });

  if (problems.length > 0) {
    throw new AppError('TASK_INVALID_ARGS', `Invalid arguments for task "${task}": ${problems.join('; ')}`, 'invalid', {
      problems,
    });
  }
  return bound;
}

function describeType(type: TaskParam['type']): string {
  switch (type) {
    case 'integer':
      return 'an integer';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'any':
      return 'a value';
    default:
      return `a ${type}`;
  }
}

/**
 * Arguments are stored with the job in the noeviction broker until its result expires, so what a
 * caller sends is bounded (TASK_MAX_ARGS_BYTES, JSON-serialized).
 * @throws AppError TASK_ARGS_TOO_LARGE
 */
export function checkArgumentsSize(name: string, args: readonly unknown[], kwargs: TaskKwargs, maxBytes: number): void {
  const bytes = Buffer.byteLength(JSON.stringify({ args, kwargs }));
  if (bytes > maxBytes) {
    throw new AppError(
      'TASK_ARGS_TOO_LARGE',
      `The arguments of "${name}" take ${bytes} bytes as JSON, more than TASK_MAX_ARGS_BYTES (${maxBytes})`,
      'too_large',
    );
  }
}
