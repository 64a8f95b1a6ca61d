import { AppError } from '../../common/app-error';
import { CALL_OPTION_KEYS, type CallOptions, pickCallOptions } from '../runtime/call-options';
import type { Canvas, Signature, WorkflowKind } from '../task-workflows';
import { uuidV5Of } from './uuid-v5';

/** Chains, groups and chords nested in one another, at most (the outermost counts one). */
export const MAX_WORKFLOW_DEPTH = 8;
/** Tasks in one workflow, `link` and `linkError` callbacks included, at most. */
export const MAX_WORKFLOW_TASKS = 10_000;

/** A task call of a compiled workflow, with its derived id and the options it is enqueued with. */
export interface PlannedCall extends Omit<CallOptions, 'eta'> {
  readonly id: string;
  readonly name: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** As JSON keeps it: ISO-8601. */
  readonly eta?: string;
  /** Whether it is given an input (its parent's result, a failed task's id) as first argument. */
  readonly receivesInput: boolean;
}

export interface TaskNode extends PlannedCall {
  readonly kind: 'task';
  readonly path: string;
  readonly link?: PlannedCall;
  readonly linkError?: PlannedCall;
}
export interface ChainNode {
  readonly kind: 'chain';
  readonly path: string;
  readonly steps: readonly PlanNode[];
}
export interface GroupNode {
  readonly kind: 'group';
  readonly path: string;
  readonly members: readonly PlanNode[];
}
export interface ChordNode {
  readonly kind: 'chord';
  readonly path: string;
  readonly header: GroupNode;
  readonly body: PlanNode;
}
export type PlanNode = TaskNode | ChainNode | GroupNode | ChordNode;

/** Where a node sits: its parent and its position there (for a chord: 0 the header, 1 the body). */
export interface Position {
  readonly parent: Exclude<PlanNode, TaskNode>;
  readonly index: number;
}

function invalid(problems: string[]): AppError {
  return new AppError('WORKFLOW_INVALID', `Invalid workflow: ${problems.join('; ')}`, 'invalid', { problems });
}

const SIGNATURE_KEYS = new Set(['name', 'args', 'kwargs', 'options', 'immutable']);
const OPTION_KEYS = new Set<string>([...CALL_OPTION_KEYS, 'link', 'linkError']);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a canvas from JSON (HTTP, CLI), checking its shape only: the tasks and their arguments are
 * checked against the registry once compiled. Stops at the first limit crossed, so a hostile body
 * costs no more than a legal one.
 * @throws AppError WORKFLOW_INVALID (every shape problem, each with its path), WORKFLOW_TOO_DEEP,
 * WORKFLOW_TOO_LARGE
 */
export function parseCanvas(input: unknown): Canvas {
  const problems: string[] = [];
  let tasks = 0;
  const countTask = () => {
    if (++tasks > MAX_WORKFLOW_TASKS) {
      throw new AppError('WORKFLOW_TOO_LARGE', `A workflow has at most ${MAX_WORKFLOW_TASKS} tasks`, 'invalid');
    }
  };

  const signature = (value: unknown, at: string): void => {
    if (!isObject(value)) return void problems.push(`${at}: must be an object`);
    countTask();
    for (const key of Object.keys(value)) if (!SIGNATURE_KEYS.has(key)) problems.push(`${at}: unknown field "${key}"`);
    if (typeof value.name !== 'string' || value.name.trim() === '') problems.push(`${at}.name: must be a non-empty string`);
    if (value.args !== undefined && !Array.isArray(value.args)) problems.push(`${at}.args: must be an array`);
    if (value.kwargs !== undefined && !isObject(value.kwargs)) problems.push(`${at}.kwargs: must be an object`);
    if (value.immutable !== undefined && typeof value.immutable !== 'boolean') problems.push(`${at}.immutable: must be a boolean`);
    if (value.options === undefined) return;
    if (!isObject(value.options)) return void problems.push(`${at}.options: must be an object`);
    // The values of the other options are checked with the tasks (TasksService.checkOptions), as a call's are.
    const { countdown, eta, link, linkError } = value.options;
    for (const key of Object.keys(value.options)) if (!OPTION_KEYS.has(key)) problems.push(`${at}.options: unknown field "${key}"`);
    if (countdown !== undefined && (typeof countdown !== 'number' || !Number.isFinite(countdown) || countdown < 0)) {
      problems.push(`${at}.options.countdown: must be a number of seconds, 0 or more`);
    }
    if (eta !== undefined && typeof eta !== 'string' && !(eta instanceof Date)) {
      problems.push(`${at}.options.eta: must be an ISO-8601 string`);
    }
    // A callback is a plain signature: it may not carry callbacks of its own.
    for (const [key, callback] of [
      ['link', link],
      ['linkError', linkError],
    ] as const) {
      if (callback === undefined) continue;
      if (isObject(callback) && isObject(callback.options) && (callback.options.link ?? callback.options.linkError) !== undefined) {
        problems.push(`${at}.options.${key}: a callback cannot have callbacks`);
      }
      signature(callback, `${at}.options.${key}`);
    }
  };

  const members = (value: unknown, at: string, depth: number): void => {
    if (!Array.isArray(value) || value.length === 0) return void problems.push(`${at}: must be a non-empty array`);
    value.forEach((member, index) => canvas(member, `${at}[${index}]`, depth));
  };

  const canvas = (value: unknown, at: string, depth: number): void => {
    if (!isObject(value)) return void problems.push(`${at}: must be an object`);
    const kinds = (['chain', 'group', 'chord'] as const).filter((kind) => kind in value);
    if (kinds.length === 0) return signature(value, at);
    if (kinds.length > 1 || Object.keys(value).length > 1) {
      return void problems.push(`${at}: a chain, group or chord is an object with that one field`);
    }
    if (depth + 1 > MAX_WORKFLOW_DEPTH) {
      throw new AppError('WORKFLOW_TOO_DEEP', `Chains, groups and chords nest at most ${MAX_WORKFLOW_DEPTH} deep (${at})`, 'invalid');
    }
    const [kind] = kinds;
    if (kind !== 'chord') return members(value[kind], `${at}.${kind}`, depth + 1);
    const chord = value.chord;
    if (!isObject(chord)) return void problems.push(`${at}.chord: must be an object with header and body`);
    for (const key of Object.keys(chord)) if (key !== 'header' && key !== 'body') problems.push(`${at}.chord: unknown field "${key}"`);
    members(chord.header, `${at}.chord.header`, depth + 1);
    canvas(chord.body, `${at}.chord.body`, depth + 1);
  };

  canvas(input, 'workflow', 0);
  if (problems.length > 0) throw invalid(problems);
  return input as Canvas;
}

/** What kind of canvas this is. */
export function kindOf(canvas: Canvas): WorkflowKind {
  if ('chain' in canvas) return 'chain';
  if ('group' in canvas) return 'group';
  if ('chord' in canvas) return 'chord';
  return 'signature';
}

/**
 * Turns a checked canvas into the workflow's plan: every node gets a path (`r`, `r.0`, `r.h.3`,
 * `r.b`…) and every task an id derived from the workflow id and that path, so whoever enqueues a
 * step, however often, enqueues the same job.
 */
export function compileCanvas(canvas: Canvas, workflowId: string): PlanNode {
  const idOf = uuidV5Of(workflowId);
  const call = (signature: Signature, path: string, input: boolean): PlannedCall => {
    const { eta, ...options } = pickCallOptions(signature.options ?? {});
    return {
      id: idOf(path),
      name: signature.name,
      args: signature.args ?? [],
      kwargs: signature.kwargs ?? {},
      ...options,
      ...(eta !== undefined && { eta: eta instanceof Date ? eta.toISOString() : eta }),
      receivesInput: input && signature.immutable !== true,
    };
  };
  const node = (current: Canvas, path: string, input: boolean): PlanNode => {
    if ('chain' in current) {
      return { kind: 'chain', path, steps: current.chain.map((step, index) => node(step, `${path}.${index}`, index > 0 || input)) };
    }
    if ('group' in current) return group(current.group, path, input);
    if ('chord' in current) {
      const { header, body } = current.chord;
      return { kind: 'chord', path, header: group(header, `${path}.h`, input), body: node(body, `${path}.b`, true) };
    }
    const { link, linkError } = current.options ?? {};
    return {
      kind: 'task',
      path,
      ...call(current, path, input),
      ...(link && { link: call(link, `${path}!link`, true) }),
      ...(linkError && { linkError: call(linkError, `${path}!linkError`, true) }),
    };
  };
  const group = (members: readonly Canvas[], path: string, input: boolean): GroupNode => ({
    kind: 'group',
    path,
    members: members.map((member, index) => node(member, `${path}.${index}`, input)),
  });
  return node(canvas, 'r', false);
}

/** The tasks that start a node, in canvas order: a chain's first step's, every member's of a group, a chord's header's. */
export function firstTasks(node: PlanNode): TaskNode[] {
  switch (node.kind) {
    case 'task':
      return [node];
    case 'chain':
      return firstTasks(node.steps[0]);
    case 'group':
      return node.members.flatMap(firstTasks);
    case 'chord':
      return firstTasks(node.header);
  }
}

/** A compiled workflow, indexed for the questions its progress asks. */
export class WorkflowPlan {
  private readonly tasksByPath = new Map<string, TaskNode>();
  private readonly positions = new Map<string, Position>();
  private readonly taskList: TaskNode[] = [];
  private readonly groupList: GroupNode[] = [];

  constructor(readonly root: PlanNode) {
    this.index(root);
  }

  /** Every task in canvas order (depth first; a chord's header before its body). */
  tasks(): readonly TaskNode[] {
    return this.taskList;
  }

  /** Every group (a chord's header too), in canvas order, an outer one before those inside it. */
  groups(): readonly GroupNode[] {
    return this.groupList;
  }

  task(path: string): TaskNode | undefined {
    return this.tasksByPath.get(path);
  }

  /** The parent of a node and its position there, or undefined for the root. */
  positionOf(path: string): Position | undefined {
    return this.positions.get(path);
  }

  private index(node: PlanNode): void {
    const children = (parent: Exclude<PlanNode, TaskNode>, nodes: readonly PlanNode[]) =>
      nodes.forEach((child, index) => {
        this.positions.set(child.path, { parent, index });
        this.index(child);
      });
    switch (node.kind) {
      case 'task':
        this.tasksByPath.set(node.path, node);
        this.taskList.push(node);
        return;
      case 'chain':
        return children(node, node.steps);
      case 'group':
        this.groupList.push(node);
        return children(node, node.members);
      case 'chord':
        return children(node, [node.header, node.body]);
    }
  }
}
