import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ApiJsonArray } from '../../../common/api-json.decorator';
import { ALL_QUEUES } from '../../runtime/queues';
import { PRIORITY } from '../../runtime/task.registry';
import { MAX_TIME_LIMIT_SECONDS } from '../../runtime/time-limits';
import type { Signature } from '../../task-workflows';

/**
 * The canvas as OpenAPI documents it. These classes describe the JSON only: a canvas nests up to 8
 * deep, which class-validator cannot follow through a union, so WorkflowsService reads it with
 * parseCanvas, which names the path of every problem.
 */
/**
 * Every option of `POST /api/admin/tasks` but `id` (a workflow derives each step's), checked for
 * every step before any is enqueued, and Celery's `link` and `link_error`.
 */
export class SignatureOptionsSchema {
  /** Seconds from when the step is enqueued. */
  @ApiPropertyOptional({ minimum: 0 })
  readonly countdown?: number;

  /** ISO-8601 with a time zone offset; one in the past runs at once. */
  @ApiPropertyOptional()
  readonly eta?: string;

  /** The queue to enqueue the step on (`default`, `banner`), over the task's own. @defaultValue the task's queue */
  @ApiPropertyOptional({ enum: ALL_QUEUES })
  readonly queue?: string;

  /** 1 (highest) to 10, over the task's own. @defaultValue the task's priority, else none */
  @ApiPropertyOptional({ type: 'integer', minimum: PRIORITY.highest, maximum: PRIORITY.lowest })
  readonly priority?: number;

  /**
   * Seconds from when the step is enqueued (not from the workflow's submission), or an ISO-8601
   * date-time with its offset, past which the step never starts: it ends REVOKED with the error
   * "expired", and so does the workflow. @defaultValue the task's, else never
   */
  @ApiPropertyOptional({
    oneOf: [
      { type: 'number', minimum: 0, exclusiveMinimum: true },
      { type: 'string', format: 'date-time' },
    ],
  })
  readonly expires?: number | string;

  /**
   * Seconds after which the handler's signal aborts with SoftTimeLimitExceeded; below the time
   * limit. @defaultValue the task's, else none
   */
  @ApiPropertyOptional({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: MAX_TIME_LIMIT_SECONDS })
  readonly softTimeLimit?: number;

  /** Seconds a run may take before it fails with TimeLimitExceeded. @defaultValue the task's (60 unless declared) */
  @ApiPropertyOptional({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: MAX_TIME_LIMIT_SECONDS })
  readonly timeLimit?: number;

  /** Enqueued when the task succeeds, with its result prepended to the arguments unless immutable. */
  // Typed with the interface: the class is defined below, and reflected types are read at once.
  @ApiPropertyOptional({ type: () => SignatureSchema })
  readonly link?: Signature;

  /** Enqueued when the task fails for good, with the failed task's id prepended unless immutable. */
  @ApiPropertyOptional({ type: () => SignatureSchema })
  readonly linkError?: Signature;
}

/** One task call: Celery's signature. */
export class SignatureSchema {
  @ApiProperty({ example: 'add' })
  readonly name!: string;

  /** Positional arguments; a step that receives its parent's result gets it first. */
  @ApiJsonArray()
  readonly args?: unknown[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  readonly kwargs?: Record<string, unknown>;

  @ApiPropertyOptional({ type: () => SignatureOptionsSchema })
  readonly options?: SignatureOptionsSchema;

  /** Ignore the parent's result (Celery's `si`). */
  @ApiPropertyOptional({ default: false })
  readonly immutable?: boolean;
}

/** Any canvas, by name: the classes refer to one another, so some are not defined yet here. */
const CANVAS_REFS = () => ['SignatureSchema', 'ChainSchema', 'GroupSchema', 'ChordSchema'].map((name) => ({ $ref: getSchemaPath(name) }));

/** Each step runs after the previous one succeeded, with its result first in its arguments. */
export class ChainSchema {
  @ApiProperty({ type: 'array', minItems: 1, items: { oneOf: CANVAS_REFS() } })
  readonly chain!: unknown[];
}

/** The members run in parallel; the result lists theirs in the order given. */
export class GroupSchema {
  @ApiProperty({ type: 'array', minItems: 1, items: { oneOf: CANVAS_REFS() } })
  readonly group!: unknown[];
}

export class ChordPartsSchema {
  @ApiProperty({ type: 'array', minItems: 1, items: { oneOf: CANVAS_REFS() } })
  readonly header!: unknown[];

  /** Runs once, with the header's results in order first in its arguments. */
  @ApiProperty({ oneOf: CANVAS_REFS() })
  readonly body!: unknown;
}

/** The header group, then the body exactly once. */
export class ChordSchema {
  @ApiProperty({ type: () => ChordPartsSchema })
  readonly chord!: ChordPartsSchema;
}

export const CANVAS_SCHEMAS = [SignatureSchema, SignatureOptionsSchema, ChainSchema, GroupSchema, ChordSchema, ChordPartsSchema];

/** The body of `POST /api/admin/workflows`: any canvas. */
export const CANVAS_BODY_SCHEMA = { oneOf: CANVAS_REFS() };

/** An example of each kind, shown in Swagger UI. */
export const CANVAS_EXAMPLES = {
  signature: {
    summary: 'One task, its options, and a callback',
    value: {
      name: 'add',
      args: [2, 2],
      options: { queue: 'default', priority: 1, expires: 60, timeLimit: 10, link: { name: 'low', args: [1] } },
    },
  },
  chain: {
    summary: 'add(2, 2) | add(4) | low(1) → 7',
    value: {
      chain: [
        { name: 'add', args: [2, 2] },
        { name: 'add', args: [4] },
        { name: 'low', args: [1] },
      ],
    },
  },
  group: {
    summary: 'add(1, 1), add(2, 2) → [2, 4]',
    value: {
      group: [
        { name: 'add', args: [1, 1] },
        { name: 'add', args: [2, 2] },
      ],
    },
  },
  chord: {
    summary: 'xsum of add(i, i) → the sum',
    value: { chord: { header: [0, 1, 2].map((i) => ({ name: 'add', args: [i, i] })), body: { name: 'xsum' } } },
  },
};
