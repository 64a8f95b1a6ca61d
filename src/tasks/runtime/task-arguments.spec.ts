import { AppError } from '../../common/app-error';
import { bindArguments } from './task-arguments';
import type { TaskParam } from './task.decorator';

const ADD_PARAMS: TaskParam[] = [
  { name: 'n', type: 'number' },
  { name: 'm', type: 'number' },
];

function problemsOf(call: () => unknown): string[] {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'TASK_INVALID_ARGS', kind: 'invalid' });
    return ((error as AppError).details as { problems: string[] }).problems;
  }
  throw new Error('expected the call to be refused');
}

describe('bindArguments', () => {
  it('binds positional arguments in order', () => {
    expect(bindArguments('add', ADD_PARAMS, [10, 20], {})).toEqual([10, 20]);
  });

  it('binds keyword arguments by name, as the seed calls add(kwargs={...})', () => {
    expect(bindArguments('add', ADD_PARAMS, [], { m: 66, n: 44 })).toEqual([44, 66]);
  });

  it('mixes positional and keyword arguments', () => {
    expect(bindArguments('add', ADD_PARAMS, [1], { m: 2 })).toEqual([1, 2]);
  });

  it('leaves an omitted optional parameter undefined', () => {
    const params: TaskParam[] = [
      { name: 'a', type: 'string' },
      { name: 'b', type: 'integer', required: false },
      { name: 'c', type: 'boolean', required: false },
    ];

    expect(bindArguments('t', params, ['x'], { c: true })).toEqual(['x', undefined, true]);
  });

  it('names the task and every problem in the message', () => {
    const sut = () => bindArguments('add', ADD_PARAMS, [1, 'two', 3], { n: 4, k: 5 });

    expect(sut).toThrow('Invalid arguments for task "add": ');
    expect(problemsOf(sut)).toEqual([
      'takes 2 positional argument(s) but 3 were given',
      'unexpected keyword argument "k"',
      'got multiple values for argument "n"',
      'argument "m" must be a number (got "two")',
    ]);
  });

  it('refuses a missing required argument', () => {
    expect(problemsOf(() => bindArguments('add', ADD_PARAMS, [1], {}))).toEqual(['missing required argument "m"']);
  });

  it.each([
    ['number', Number.NaN, 'a number'],
    ['number', '1', 'a number'],
    ['integer', 1.5, 'an integer'],
    ['string', 5, 'a string'],
    ['boolean', 'true', 'a boolean'],
    ['object', [1], 'an object'],
    ['object', null, 'an object'],
    ['array', { 0: 1 }, 'an array'],
  ] as const)('refuses a %s parameter given %j', (type, value, expected) => {
    const [problem] = problemsOf(() => bindArguments('t', [{ name: 'p', type }], [value], {}));

    expect(problem).toContain(`argument "p" must be ${expected}`);
  });

  it.each([
    ['number', -2.5],
    ['integer', 7],
    ['string', ''],
    ['boolean', false],
    ['object', { a: 1 }],
    ['array', []],
    ['any', null],
  ] as const)('accepts a %s parameter given %j', (type, value) => {
    expect(bindArguments('t', [{ name: 'p', type }], [value], {})).toEqual([value]);
  });
});
