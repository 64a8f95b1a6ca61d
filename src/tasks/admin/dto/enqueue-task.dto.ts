import { IsArray, IsNotEmpty, IsNumber, IsObject, IsString, Min } from 'class-validator';
import { ApiJsonArray } from '../../../common/api-json.decorator';
import { Omittable } from '../../../common/omittable.decorator';
import { PlainText } from '../../../common/plain-text.decorator';

/** `POST /api/admin/tasks`: Celery's `apply_async` over HTTP. */
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
}
