import { IsArray, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, Min } from 'class-validator';
import { ApiJsonArray } from '../../common/api-json.decorator';

/** `POST /api/admin/tasks`: Celery's `apply_async` over HTTP. */
export class EnqueueTaskDto {
  @IsString()
  @IsNotEmpty()
  readonly name!: string;

  /** Positional arguments. @defaultValue [] */
  @ApiJsonArray()
  @IsOptional()
  @IsArray()
  readonly args?: unknown[];

  /** Arguments by parameter name. @defaultValue {} */
  @IsOptional()
  @IsObject()
  readonly kwargs?: Record<string, unknown>;

  /** Seconds from now. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  readonly countdown?: number;

  /** ISO-8601 with a time zone offset; its rules are checked by TasksService, with their reasons. */
  @IsOptional()
  @IsString()
  readonly eta?: string;
}
