import { parseCommandLine, parseTaskArgument, UsageError } from './command-line';

describe('parseCommandLine', () => {
  it('serves every role with no arguments', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'serve', roles: new Set(['api', 'worker', 'beat']) });
  });

  it('serves the roles of --role', () => {
    expect(parseCommandLine(['--role=worker,beat'])).toEqual({ kind: 'serve', roles: new Set(['worker', 'beat']) });
  });

  it('serves a worker on the queues of --queues', () => {
    expect(parseCommandLine(['--role=worker', '--queues=banner, default,banner'])).toEqual({
      kind: 'serve',
      roles: new Set(['worker']),
      queues: ['banner', 'default'],
    });
  });

  it.each([
    [['--role=web'], 'Unknown role "web": valid roles are api, worker, beat, all (a comma list combines them)'],
    [['--role=worker', '--queues=default,slow'], 'Unknown queue "slow": queues are default, banner'],
    [['--role=worker', '--queues='], 'Unknown queue "": queues are default, banner'],
    [['--role=api', '--queues=banner'], '--queues chooses the queues of a worker: add worker to --role'],
    [['--port=1'], "Unknown option '--port'"],
    [['serve'], "Unexpected argument 'serve'"],
  ])('refuses %j', (argv, message) => {
    const sut = () => parseCommandLine(argv);

    expect(sut).toThrow(UsageError);
    expect(sut).toThrow(message);
  });

  it('reads enqueue arguments as JSON when they parse, else as text', () => {
    expect(parseCommandLine(['enqueue', 'add', '10', '20'])).toEqual({
      kind: 'enqueue',
      task: 'add',
      args: [10, 20],
      countdown: undefined,
      eta: undefined,
    });
    expect(parseCommandLine(['enqueue', 'test_task', 'hello', '"10"', '{"a":1}', 'true', 'null'])).toMatchObject({
      args: ['hello', '10', { a: 1 }, true, null],
    });
  });

  it('reads --id, the id the caller chooses', () => {
    expect(parseCommandLine(['enqueue', 'add', '1', '2', '--id', '0b7f3b1e-5a0c-4c39-9d51-2a5f0e0c1a11'])).toEqual({
      kind: 'enqueue',
      task: 'add',
      args: [1, 2],
      countdown: undefined,
      eta: undefined,
      id: '0b7f3b1e-5a0c-4c39-9d51-2a5f0e0c1a11',
    });
  });

  it('reads --queue, --priority and --expires', () => {
    expect(parseCommandLine(['enqueue', 'add', '1', '2', '--queue=banner', '--priority', '1'])).toMatchObject({
      task: 'add',
      args: [1, 2],
      queue: 'banner',
      priority: 1,
    });
    expect(parseCommandLine(['enqueue', 'add', '--expires', '30'])).toMatchObject({ expires: 30 });
    expect(parseCommandLine(['enqueue', 'add', '--expires', '2030-05-01T10:00:00Z'])).toMatchObject({ expires: '2030-05-01T10:00:00Z' });
  });

  it('reads --soft-time-limit and --time-limit in seconds, fractions allowed', () => {
    expect(parseCommandLine(['enqueue', 'add', '1', '2', '--soft-time-limit', '0.5', '--time-limit=2'])).toMatchObject({
      args: [1, 2],
      softTimeLimit: 0.5,
      timeLimit: 2,
    });
  });

  it('keeps negative numbers as arguments', () => {
    expect(parseCommandLine(['enqueue', 'low', '-5', '3'])).toMatchObject({ args: [-5, 3] });
  });

  it.each([
    [['--countdown', '10'], { countdown: 10 }],
    [['--countdown=2.5'], { countdown: 2.5 }],
    [['--eta', '2030-05-01T10:00:00+08:00'], { eta: '2030-05-01T10:00:00+08:00' }],
    [['--eta=2030-05-01T02:00:00Z'], { eta: '2030-05-01T02:00:00Z' }],
  ])('reads the timing option %j, before or after the arguments', (option, expected) => {
    expect(parseCommandLine(['enqueue', 'add', ...option, '1', '2'])).toMatchObject({ args: [1, 2], ...expected });
    expect(parseCommandLine(['enqueue', 'add', '1', '2', ...option])).toMatchObject({ args: [1, 2], ...expected });
  });

  it('takes everything after -- as arguments', () => {
    expect(parseCommandLine(['enqueue', 'test_task', '--', '--countdown'])).toMatchObject({ args: ['--countdown'] });
  });

  it.each([
    [['enqueue'], 'enqueue needs a task name. Usage: node dist/main enqueue <task>'],
    [['enqueue', 'add', '--delay', '3'], 'Unknown option --delay. Usage:'],
    [['enqueue', 'add', '--countdown'], '--countdown needs a value'],
    [['enqueue', 'add', '--countdown', 'soon'], '--countdown must be a number of seconds, 0 or more (got "soon")'],
    [['enqueue', 'add', '--countdown', '-1'], '--countdown must be a number of seconds, 0 or more (got "-1")'],
    [['enqueue', 'add', '--countdown=', '1'], '--countdown must be a number of seconds'],
    [['enqueue', 'add', '--eta', 'a', '--eta', 'b'], '--eta is given twice'],
    [['enqueue', 'add', '--priority', '0'], '--priority must be an integer from 1 (highest) to 10 (got "0")'],
    [['enqueue', 'add', '--priority', '2.5'], '--priority must be an integer from 1 (highest) to 10 (got "2.5")'],
    [['enqueue', 'add', '--time-limit', '0'], '--time-limit must be a number of seconds above 0 (got "0")'],
    [['enqueue', 'add', '--soft-time-limit', 'soon'], '--soft-time-limit must be a number of seconds above 0 (got "soon")'],
    [['result'], 'result takes exactly one task id. Usage: node dist/main result <id>'],
    [['result', 'a', 'b'], 'result takes exactly one task id'],
    [['result', '--json'], 'result takes exactly one task id'],
  ])('refuses %j with a message that shows the usage', (argv, message) => {
    const sut = () => parseCommandLine(argv);

    expect(sut).toThrow(UsageError);
    expect(sut).toThrow(message);
  });

  it('reads workflow <canvas JSON>', () => {
    expect(parseCommandLine(['workflow', '{"group":[{"name":"add","args":[1,1]}]}'])).toEqual({
      kind: 'workflow',
      canvas: { group: [{ name: 'add', args: [1, 1] }] },
    });
  });

  it.each([
    [['workflow'], 'workflow takes exactly one canvas, as JSON'],
    [['workflow', '{"chain":', 'x'], 'workflow takes exactly one canvas, as JSON'],
    [['workflow', '{chain}'], 'The canvas is not JSON'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(new RegExp(`^${message}`));
  });

  it('reads result <id>', () => {
    expect(parseCommandLine(['result', 'a1b2'])).toEqual({ kind: 'result', id: 'a1b2' });
  });
});

describe('parseTaskArgument', () => {
  it.each([
    ['10', 10],
    ['-2.5', -2.5],
    ['true', true],
    ['null', null],
    ['"10"', '10'],
    ['[1,"a"]', [1, 'a']],
    ['{"n":1}', { n: 1 }],
    ['hello', 'hello'],
    ['10 apples', '10 apples'],
    ['', ''],
  ])('reads %j as %j', (raw, expected) => {
    expect(parseTaskArgument(raw)).toEqual(expected);
  });
});
