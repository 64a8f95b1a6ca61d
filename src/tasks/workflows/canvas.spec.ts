import { AppError } from '../../common/app-error';
import type { Canvas } from '../task-workflows';
import {
  compileCanvas,
  firstTasks,
  kindOf,
  MAX_WORKFLOW_DEPTH,
  MAX_WORKFLOW_TASKS,
  parseCanvas,
  type TaskNode,
  WorkflowPlan,
} from './canvas';
import { uuidV5Of } from './uuid-v5';

const WORKFLOW_ID = '6f1d2c3b-0a9e-4c8d-b7f6-5e4d3c2b1a09';
const add = (...args: number[]) => ({ name: 'add', args });

/** The error parseCanvas throws for `input`. */
function refusal(input: unknown): AppError {
  try {
    parseCanvas(input);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('parseCanvas accepted the input');
}

function nest(depth: number): Canvas {
  let canvas: Canvas = add(1, 1);
  for (let level = 0; level < depth; level++) canvas = { chain: [canvas] };
  return canvas;
}

describe('parseCanvas', () => {
  it.each<[string, unknown]>([
    ['a signature', { name: 'add', args: [1, 2], options: { countdown: 1, link: { name: 'low', args: [1] } } }],
    ['a chain', { chain: [add(2, 2), add(4)] }],
    ['a group', { group: [add(1, 1), { chain: [add(1, 1), add(1)] }] }],
    ['a chord', { chord: { header: [add(1, 1)], body: { name: 'xsum' } } }],
    ['an immutable step', { chain: [add(1, 1), { name: 'add', args: [1, 1], immutable: true }] }],
    [
      "every option of applyAsync but the id (their values are checked with the tasks')",
      {
        name: 'add',
        options: { queue: 'nowhere', priority: 11, expires: -1, softTimeLimit: 2, timeLimit: 1, eta: '2030-01-01T00:00:00Z' },
      },
    ],
  ])('accepts %s as it is', (_, input) => {
    expect(parseCanvas(input)).toBe(input);
  });

  it('names the path of every problem', () => {
    const sut = refusal({ chain: [{ name: '' }, { group: [] }, { chord: { header: [add(1, 1)] } }, { name: 'add', args: 1, extra: 1 }] });

    expect(sut.code).toBe('WORKFLOW_INVALID');
    expect(sut.details).toEqual({
      problems: [
        'workflow.chain[0].name: must be a non-empty string',
        'workflow.chain[1].group: must be a non-empty array',
        'workflow.chain[2].chord.body: must be an object',
        'workflow.chain[3]: unknown field "extra"',
        'workflow.chain[3].args: must be an array',
      ],
    });
  });

  it.each<[string, unknown, string]>([
    ['not an object', [add(1, 1)], 'workflow: must be an object'],
    ['two kinds in one object', { chain: [add(1, 1)], group: [add(1, 1)] }, 'a chain, group or chord is an object with that one field'],
    ['a negative countdown', { name: 'add', options: { countdown: -1 } }, 'countdown: must be a number of seconds, 0 or more'],
    [
      'a callback with callbacks',
      { name: 'add', options: { link: { name: 'add', options: { link: add(1) } } } },
      'a callback cannot have callbacks',
    ],
    ['an unknown option', { name: 'add', options: { retries: 1 } }, 'unknown field "retries"'],
    ['an id, which a workflow derives', { name: 'add', options: { id: WORKFLOW_ID } }, 'workflow.options: unknown field "id"'],
  ])('refuses %s', (_, input, message) => {
    expect(refusal(input).message).toContain(message);
  });

  it(`accepts ${MAX_WORKFLOW_DEPTH} levels of nesting and refuses one more`, () => {
    expect(() => parseCanvas(nest(MAX_WORKFLOW_DEPTH))).not.toThrow();
    expect(refusal(nest(MAX_WORKFLOW_DEPTH + 1)).code).toBe('WORKFLOW_TOO_DEEP');
  });

  it('stops at the depth limit however deep the input goes', () => {
    expect(refusal(nest(100_000)).code).toBe('WORKFLOW_TOO_DEEP');
  });

  it(`accepts ${MAX_WORKFLOW_TASKS} tasks, callbacks included, and refuses one more`, () => {
    const members = Array.from({ length: MAX_WORKFLOW_TASKS - 1 }, () => add(1, 1));
    expect(() => parseCanvas({ chord: { header: members, body: { name: 'xsum' } } })).not.toThrow();
    const linked = { name: 'xsum', options: { link: add(1) } };
    expect(refusal({ chord: { header: members, body: linked } }).code).toBe('WORKFLOW_TOO_LARGE');
  });
});

describe('kindOf', () => {
  it.each<[Canvas, string]>([
    [add(1, 1), 'signature'],
    [{ chain: [add(1, 1)] }, 'chain'],
    [{ group: [add(1, 1)] }, 'group'],
    [{ chord: { header: [add(1, 1)], body: add(1) } }, 'chord'],
  ])('%j is a %s', (canvas, kind) => {
    expect(kindOf(canvas)).toBe(kind);
  });
});

describe('compileCanvas and WorkflowPlan', () => {
  const canvas: Canvas = {
    chain: [
      add(2, 2),
      { chord: { header: [add(1), { name: 'add', args: [5, 5], immutable: true }], body: { name: 'xsum' } } },
      { name: 'low', args: [1], options: { linkError: { name: 'test_task' } } },
    ],
  };
  const sut = new WorkflowPlan(compileCanvas(canvas, WORKFLOW_ID));
  const task = (path: string) => sut.task(path) as TaskNode;

  it('lists the tasks in canvas order, with ids derived from the workflow id and the position', () => {
    expect(sut.tasks().map((node) => node.path)).toEqual(['r.0', 'r.1.h.0', 'r.1.h.1', 'r.1.b', 'r.2']);
    expect(sut.tasks().map((node) => node.id)).toEqual(sut.tasks().map((node) => uuidV5Of(WORKFLOW_ID)(node.path)));
    expect(new WorkflowPlan(compileCanvas(canvas, WORKFLOW_ID)).tasks()).toEqual(sut.tasks());
  });

  it('gives the parent result to every step but the first and the immutable ones', () => {
    expect(sut.tasks().map((node) => [node.path, node.receivesInput])).toEqual([
      ['r.0', false],
      ['r.1.h.0', true],
      ['r.1.h.1', false],
      ['r.1.b', true],
      ['r.2', true],
    ]);
  });

  it('compiles callbacks with their own derived ids; a linkError receives the failed id', () => {
    expect(task('r.2').linkError).toEqual({
      id: uuidV5Of(WORKFLOW_ID)('r.2!linkError'),
      name: 'test_task',
      args: [],
      kwargs: {},
      countdown: undefined,
      eta: undefined,
      receivesInput: true,
    });
  });

  it("carries a step's options and its callbacks' own into their calls, an eta given as a Date in ISO-8601", () => {
    const options = { queue: 'banner', priority: 2, expires: 30, softTimeLimit: 1, timeLimit: 2 };
    const eta = new Date('2030-01-01T00:00:00Z');
    const root = compileCanvas(
      { name: 'add', args: [1, 1], options: { ...options, countdown: 5, link: { name: 'low', args: [1], options: { eta, priority: 9 } } } },
      WORKFLOW_ID,
    ) as TaskNode;

    expect(root).toMatchObject({ ...options, countdown: 5 });
    expect(root.link).toEqual({
      id: uuidV5Of(WORKFLOW_ID)('r!link'),
      name: 'low',
      args: [1],
      kwargs: {},
      eta: '2030-01-01T00:00:00.000Z',
      priority: 9,
      receivesInput: true,
    });
  });

  it('knows where each node sits', () => {
    expect(sut.positionOf('r')).toBeUndefined();
    expect(sut.positionOf('r.1')).toMatchObject({ parent: { kind: 'chain', path: 'r' }, index: 1 });
    expect(sut.positionOf('r.1.h')).toMatchObject({ parent: { kind: 'chord', path: 'r.1' }, index: 0 });
    expect(sut.positionOf('r.1.b')).toMatchObject({ parent: { kind: 'chord', path: 'r.1' }, index: 1 });
    expect(sut.positionOf('r.1.h.1')).toMatchObject({ parent: { kind: 'group', path: 'r.1.h' }, index: 1 });
  });

  it('lists the groups, an outer one before those inside it', () => {
    const nested = new WorkflowPlan(
      compileCanvas(
        { group: [add(1, 1), { chord: { header: [add(2, 2), { group: [add(3, 3)] }], body: { name: 'xsum' } } }] },
        WORKFLOW_ID,
      ),
    );

    expect(sut.groups().map((group) => group.path)).toEqual(['r.1.h']);
    expect(nested.groups().map((group) => group.path)).toEqual(['r', 'r.1.h', 'r.1.h.1']);
  });

  it('survives a round trip through JSON, as it is stored', () => {
    const restored = new WorkflowPlan(JSON.parse(JSON.stringify(sut.root)) as typeof sut.root);

    expect(restored.tasks()).toEqual(sut.tasks());
  });
});

describe('firstTasks', () => {
  const pathsOf = (canvas: Canvas) => firstTasks(compileCanvas(canvas, WORKFLOW_ID)).map((task) => task.path);

  it('starts a task with itself and a chain with its first step', () => {
    expect(pathsOf(add(1, 1))).toEqual(['r']);
    expect(pathsOf({ chain: [{ chain: [add(1, 1), add(1)] }, add(2)] })).toEqual(['r.0.0']);
  });

  it('starts a group with every member, in order, and a chord with its header only', () => {
    const header = [add(1, 1), { chain: [add(2, 2), add(3)] }, { group: [add(4, 4), add(5, 5)] }];

    expect(pathsOf({ group: header })).toEqual(['r.0', 'r.1.0', 'r.2.0', 'r.2.1']);
    expect(pathsOf({ chord: { header, body: { name: 'xsum' } } })).toEqual(['r.h.0', 'r.h.1.0', 'r.h.2.0', 'r.h.2.1']);
  });
});
