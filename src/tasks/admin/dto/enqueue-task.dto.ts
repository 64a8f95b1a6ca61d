import { ApiProperty } from '@nestjs/swagger';
import { Allow, IsArray, IsInt, IsNotEmpty, IsNumber, IsObject, IsString, Max, Min } from 'class-validator';
import { ApiJsonArray } from '../../../common/api-json.decorator';
import { BodySchema, PLAIN_JSON } from '../../../common/body-schema.decorator';
import { Omittable } from '../../../common/omittable.decorator';
import { PlainText, plainTextPattern } from '../../../common/plain-text.decorator';
import { MAX_TIME_LIMIT_SECONDS } from '../../runtime/time-limits';

/**
 * `POST /api/admin/tasks`: Celery's `apply_async` over HTTP.
 *
 * The decorators' rules again as a JSON schema, so that a valid body (the enqueue route's hot path)
 * skips class-validator. Written by hand: the OpenAPI metadata is not these rules (it documents
 * bounds that TasksService checks with its own errors, and not PlainText). Every property may be
 * left out but `name`; `null` passes no rule but `@Allow()`. enqueue-task.schema.spec.ts holds
 * the two to the same verdicts.
 */
@BodySchema({
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, pattern: plainTextPattern() },
    args: { type: 'array', items: PLAIN_JSON },
    kwargs: { type: 'object', ...PLAIN_JSON },
    countdown: { type: 'number', minimum: 0 },
    eta: { type: 'string', pattern: plainTextPattern() },
    id: { type: 'string' },
    queue: { type: 'string' },
    priority: { type: 'integer', minimum: 1, maximum: 10 },
    expires: PLAIN_JSON,
    softTimeLimit: { type: 'number' },
    timeLimit: { type: 'number' },
  },
})
export class EnqueueTaskDto {
  @IsString()
  @IsNotEmpty()
  @PlainText()
  readonly name!: string;

  /** Positional arguments. @defaultValue [] */
  @ApiJsonArray()
  @Omittable()
  @IsArray()
  readonly args?: unknown[];

  /** Arguments by parameter name. @defaultValue {} */
  @Omittable()
  @IsObject()
  readonly kwargs?: Record<string, unknown>;

  /** Seconds from now. */
  @Omittable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  readonly countdown?: number;

  /** ISO-8601 with a time zone offset; its rules are checked by TasksService, with their reasons. */
  @Omittable()
  @IsString()
  @PlainText()
  readonly eta?: string;

  /**
   * The task's id, a UUID chosen by the caller (Celery's `task_id`): while a task with it is kept,
   * enqueuing it again changes nothing and answers 200 with its status. @defaultValue a new UUID
   * @example '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10'
   */
  @Omittable()
  @IsString()
  readonly id?: string;

  /** The queue to enqueue on (`default`, `banner`), over the task's own. @defaultValue the task's queue */
  @Omittable()
  @IsString()
  readonly queue?: string;

  /**
   * 1 (highest) to 10: on its queue, taken before the tasks with a higher number and those with
   * none. @defaultValue the task's priority, else none (first in, first out)
   */
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(10)
  readonly priority?: number;

  /**
   * Seconds from now, or an ISO-8601 date-time with its offset, past which the task never starts:
   * it ends REVOKED with the error "expired" (Celery's `expires`; checked by TasksService).
   * @defaultValue the task's, else never
   */
  @ApiProperty({
    required: false,
    oneOf: [
      { type: 'number', minimum: 0, exclusiveMinimum: true },
      { type: 'string', format: 'date-time' },
    ],
  })
  @Allow()
  readonly expires?: number | string;

  /**
   * Seconds (fractions allowed) after which the handler's signal aborts with SoftTimeLimitExceeded
   * (Celery's `soft_time_limit`); below the time limit (checked by TasksService). @defaultValue the task's, else none
   * @example 30
   */
  @ApiProperty({ required: false, type: 'number', minimum: 0, exclusiveMinimum: true, maximum: MAX_TIME_LIMIT_SECONDS })
  @Omittable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  readonly softTimeLimit?: number;

  /**
   * Seconds (fractions allowed) a run may take before it fails with TimeLimitExceeded (Celery's
   * `time_limit`; checked by TasksService). @defaultValue the task's (60 unless declared)
   * @example 60
   */
  @ApiProperty({ required: false, type: 'number', minimum: 0, exclusiveMinimum: true, maximum: MAX_TIME_LIMIT_SECONDS })
  @Omittable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  readonly timeLimit?: number;
}
