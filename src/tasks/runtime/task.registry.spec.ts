import { ConfigError } from '../../config/env-reader';
import type { TaskClass, TaskDeclaration, TaskOptions } from './task.decorator';
import { buildRegistry, TaskDeclarationError } from './task.registry';

class Runnable {
  run(): number {
    return 1;
  }
}
class OtherRunnable {
  run(): number {
    return 2;
  }
}
class NoRun {}

const declare = (options: Partial<TaskOptions>, target: TaskClass = Runnable): TaskDeclaration => ({
  options: { name: 'add', params: [], ...options },
  target,
});

describe('buildRegistry', () => {
  it('applies the defaults', () => {
    const sut = buildRegistry([declare({ name: 'add' })], false);

    expect(sut.get('add')).toEqual({
      name: 'add',
      params: [],
      queue: 'default',
      maxRetries: 2,
      retryBackoff: 1,
      retryBackoffMax: 600,
      retryJitter: true,
      autoretryFor: null,
      timeLimit: 60,
      isolated: false,
      target: Runnable,
    });
  });

  it('keeps an isolated task and the file its thread loads', () => {
    const sut = buildRegistry([declare({ isolated: true, handlerFile: '/app/dist/tasks/seed/fib.task.js' })], false);

    expect(sut.get('add')).toMatchObject({ isolated: true, handlerFile: '/app/dist/tasks/seed/fib.task.js' });
  });

  it('keeps what a declaration sets', () => {
    const sut = buildRegistry([declare({ maxRetries: 0, retryBackoff: 0, timeLimit: 0.5, priority: 2 })], false);

    expect(sut.get('add')).toMatchObject({ maxRetries: 0, retryBackoff: 0, timeLimit: 0.5, priority: 2 });
  });

  it('moves a task to the queue TASK_ROUTES names, leaving the others on theirs', () => {
    const sut = buildRegistry([declare({}), declare({ name: 'low' })], false, { routes: { add: 'banner' } });

    expect(sut.get('add')?.queue).toBe('banner');
    expect(sut.get('low')?.queue).toBe('default');
  });

  it.each([
    ['an unknown task', { sub: 'default' }, 'TASK_ROUTES must be a JSON object whose keys are tasks (add) (got "sub")'],
    ['an unknown queue', { add: 'slow' }, 'TASK_ROUTES must be a JSON object whose values are queues (default, banner) (got "add: slow")'],
  ])('refuses a route naming %s', (_, routes, message) => {
    const sut = () => buildRegistry([declare({})], false, { routes });

    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow(message);
  });

  it('lays TASK_ANNOTATIONS over the declared options, and TASK_ROUTES over both', () => {
    const annotations = { add: { priority: 2, expires: 30, maxRetries: 0, queue: 'banner' }, low: { queue: 'banner' } };
    const sut = buildRegistry([declare({ priority: 9 }), declare({ name: 'low' })], false, { annotations, routes: { low: 'default' } });

    expect(sut.get('add')).toMatchObject({ priority: 2, expires: 30, maxRetries: 0, queue: 'banner', retryBackoff: 1 });
    expect(sut.get('low')).toMatchObject({ queue: 'default' });
  });

  it('takes a rate limit from the declaration, and from TASK_ANNOTATIONS over it', () => {
    const declarations = [declare({ rateLimit: '10/s' }), declare({ name: 'low', rateLimit: '5/m' })];

    const sut = buildRegistry(declarations, false, { annotations: { add: { rateLimit: '1000/h' } } });

    expect(sut.get('add')?.rateLimit).toBe('1000/h');
    expect(sut.get('low')?.rateLimit).toBe('5/m');
  });

  it.each([
    ['an unknown task', { sub: { priority: 1 } }, 'TASK_ANNOTATIONS must be a JSON object whose keys are tasks (add) (got "sub")'],
    ['options that are no object', { add: 3 }, 'TASK_ANNOTATIONS must be a JSON object of options per task'],
    [
      'an option of a call only',
      { add: { countdown: 10 } },
      'TASK_ANNOTATIONS must be options among queue, priority, expires, rateLimit, maxRetries, retryBackoff, retryBackoffMax, retryJitter, autoretryFor, softTimeLimit, timeLimit (got "add.countdown")',
    ],
    [
      'a bad rate limit',
      { add: { rateLimit: '10/sec' } },
      'TASK_ANNOTATIONS must be valid options (rateLimit must be a count from 1 to 1000000 per s, m or h, such as "10/s", "100/m" or "1000/h") (got "add.rateLimit: "10/sec"")',
    ],
    [
      'a bad value',
      { add: { priority: 0 } },
      'TASK_ANNOTATIONS must be valid options (priority must be an integer from 1 to 10) (got "add.priority: 0")',
    ],
    ['an unknown queue', { add: { queue: 'slow' } }, 'TASK_ANNOTATIONS must be valid options (queue "slow" is unknown'],
    [
      'a soft time limit past the hard one',
      { add: { softTimeLimit: 90 } },
      'TASK_ANNOTATIONS must be valid options (softTimeLimit (90 s) must be below timeLimit (60 s), or it never comes first) (got "add.softTimeLimit: 90")',
    ],
  ])('refuses an annotation with %s, naming the task and the option', (_, annotations, message) => {
    const sut = () => buildRegistry([declare({})], false, { annotations });

    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow(message);
  });

  it('takes a soft time limit below the hard one, from a declaration or from both annotated together', () => {
    const sut = buildRegistry([declare({ softTimeLimit: 0.25, timeLimit: 0.5 }), declare({ name: 'low' })], false, {
      annotations: { low: { softTimeLimit: 90, timeLimit: 120 } },
    });

    expect(sut.get('add')).toMatchObject({ softTimeLimit: 0.25, timeLimit: 0.5 });
    expect(sut.get('low')).toMatchObject({ softTimeLimit: 90, timeLimit: 120 });
  });

  it('registers test-only tasks only when asked', () => {
    const declarations = [declare({ name: 'testing.fail', testOnly: true })];

    expect(buildRegistry(declarations, false).has('testing.fail')).toBe(false);
    expect(buildRegistry(declarations, true).has('testing.fail')).toBe(true);
  });

  it('registers a task declared apart from its handler, which this process has not loaded', () => {
    const sut = buildRegistry([{ options: { name: 'update_banner_list', params: [] } }], false);

    expect(sut.get('update_banner_list')).toMatchObject({ name: 'update_banner_list', target: undefined });
  });

  it('refuses a name declared twice, naming both classes', () => {
    const sut = () => buildRegistry([declare({}), declare({}, OtherRunnable)], false);

    expect(sut).toThrow(TaskDeclarationError);
    expect(sut).toThrow('Task name "add" is declared twice, by class Runnable and by class OtherRunnable: give each task its own name');
  });

  it.each<[string, TaskDeclaration, string]>([
    ['no run method', declare({}, NoRun), 'Task "add" (class NoRun): the class has no run(args, context) method: implement TaskHandler'],
    [
      'an unknown queue',
      declare({ queue: 'fast' as never }),
      'queue "fast" is unknown: use one of default, banner (src/tasks/runtime/queues.ts)',
    ],
    ['an empty name', declare({ name: ' ' }), 'name must be a non-empty string'],
    ['negative retries', declare({ maxRetries: -1 }), 'maxRetries must be an integer of at least 0'],
    ['fractional retries', declare({ maxRetries: 1.5 }), 'maxRetries must be an integer of at least 0'],
    ['priority 0', declare({ priority: 0 }), 'priority must be an integer from 1 to 10'],
    ['a negative backoff cap', declare({ retryBackoffMax: -1 }), 'retryBackoffMax must be an integer number of seconds, 0 or more'],
    ['a jitter that is no boolean', declare({ retryJitter: 'yes' as never }), 'retryJitter must be true or false'],
    [
      'autoretryFor that is no list',
      declare({ autoretryFor: 'TypeError' as never }),
      'autoretryFor must be a list of error names or codes',
    ],
    [
      'a rate limit Celery would not read',
      declare({ rateLimit: '10 per second' }),
      'rateLimit must be a count from 1 to 1000000 per s, m or h, such as "10/s", "100/m" or "1000/h"',
    ],
    ['priority 11', declare({ priority: 11 }), 'priority must be an integer from 1 to 10'],
    ['a negative backoff', declare({ retryBackoff: -1 }), 'retryBackoff must be an integer number of seconds, 0 or more'],
    [
      'a fractional backoff (an integer, as in Celery)',
      declare({ retryBackoff: 0.5 }),
      'retryBackoff must be an integer number of seconds',
    ],
    ['a soft time limit of 0', declare({ softTimeLimit: 0 }), 'softTimeLimit must be a number of seconds above 0'],
    [
      'a soft time limit at the hard one',
      declare({ softTimeLimit: 5, timeLimit: 5 }),
      'softTimeLimit (5 s) must be below timeLimit (5 s), or it never comes first',
    ],
    ['a time limit of 0', declare({ timeLimit: 0 }), 'timeLimit must be a number of seconds above 0, at most 2147483'],
    [
      'a time limit past what a timer holds',
      declare({ timeLimit: 2_147_484 }),
      'timeLimit must be a number of seconds above 0, at most 2147483',
    ],
    ['no params', declare({ params: undefined }), 'params must be an array (use [] for none)'],
    [
      'isolated without a handlerFile',
      declare({ isolated: true }),
      'an isolated task needs handlerFile, the absolute path of the file of its @Task class (__filename there)',
    ],
    [
      'isolated with a relative handlerFile',
      declare({ isolated: true, handlerFile: './fib.task' }),
      'an isolated task needs handlerFile, the absolute path of the file of its @Task class (__filename there)',
    ],
    [
      'a handlerFile on a task that is not isolated',
      declare({ handlerFile: '/app/fib.task.js' }),
      'handlerFile is only for isolated tasks: add isolated: true or remove it',
    ],
    ['isolated that is no boolean', declare({ isolated: 'yes' as never }), 'isolated must be true or false'],
    [
      'a parameter twice',
      declare({
        params: [
          { name: 'n', type: 'number' },
          { name: 'n', type: 'number' },
        ],
      }),
      'parameter "n" is declared twice',
    ],
    ['an unknown type', declare({ params: [{ name: 'n', type: 'float' as never }] }), 'parameter "n" has unknown type "float"'],
    [
      'a required parameter after an optional one',
      declare({
        params: [
          { name: 'a', type: 'any', required: false },
          { name: 'b', type: 'any' },
        ],
      }),
      'a required parameter follows an optional one: put optional parameters last',
    ],
  ])('refuses a declaration with %s, saying what to fix', (_, declaration, message) => {
    const sut = () => buildRegistry([declaration], false);

    expect(sut).toThrow(TaskDeclarationError);
    expect(sut).toThrow(message);
  });
});
