import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { PlainText } from '../../../common/plain-text.decorator';
import { TASK_STATES, type TaskState } from '../../runtime/task-state';

/** `GET /api/admin/tasks?state=&name=&limit=` */
export class ListTasksQuery {
  @IsOptional()
  @IsIn(TASK_STATES)
  readonly state?: TaskState;

  @IsOptional()
  @IsString()
  @PlainText()
  readonly name?: string;

  /** @defaultValue 20 */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  readonly limit?: number;
}
