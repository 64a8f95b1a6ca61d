import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../auth/admin-only.decorator';
import { ApiErrors } from '../../common/api-errors.decorator';
import { Enqueues } from '../../security/enqueues.decorator';
import { EnqueueTaskDto } from './dto/enqueue-task.dto';
import { EnqueuedTask } from './dto/enqueued-task.response';
import { ListTasksQuery } from './dto/list-tasks.query';
import { TaskStatus } from './dto/task-status.response';
import { TasksService } from '../tasks.service';

const NOT_FOUND = 'TASK_NOT_FOUND: no task has this id: it never existed or its result has expired';

/** Tasks over HTTP, for admins: enqueue, follow, revoke, list. */
@ApiTags('tasks')
@Controller('admin/tasks')
@AdminOnly()
@ApiErrors({
  503:
    'TASK_BROKER_UNAVAILABLE: the queue Redis does not answer within QUEUE_TIMEOUT_MS; ' +
    'TASK_BROKER_FULL: it is out of memory and refuses new tasks',
})
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  /** Enqueues a task, at once or later: Celery's `apply_async`. */
  @Post()
  @Enqueues()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: EnqueuedTask })
  @ApiErrors({
    400:
      'TASK_INVALID_ARGS, TASK_INVALID_SCHEDULE or VALIDATION_FAILED: ' +
      'the arguments, the timing or the body are not valid',
    404: 'TASK_UNKNOWN: no task has this name',
    413: 'TASK_ARGS_TOO_LARGE: args and kwargs are over TASK_MAX_ARGS_BYTES',
    429: 'TOO_MANY_REQUESTS: over TASK_ENQUEUES_PER_MINUTE; Retry-After says when to try again',
  })
  enqueue(@Body() { name, ...options }: EnqueueTaskDto) {
    return this.tasks.applyAsync(name, options);
  }

  /** The most recent tasks, newest first. */
  @Get()
  @ApiOkResponse({ type: [TaskStatus] })
  @ApiErrors({ 400: 'VALIDATION_FAILED: a query parameter is not valid' })
  list(@Query() query: ListTasksQuery) {
    return this.tasks.list(query);
  }

  /** The status of a task and, once it succeeded, its result: Celery's `AsyncResult`. */
  @Get(':id')
  @ApiOkResponse({ type: TaskStatus })
  @ApiErrors({ 404: NOT_FOUND })
  result(@Param('id') id: string) {
    return this.tasks.result(id);
  }

  /** Revokes a task that has not started (PENDING or RETRY): it will never run. */
  @Delete(':id')
  @ApiOkResponse({ type: TaskStatus, description: 'The task, now REVOKED' })
  @ApiErrors({ 404: NOT_FOUND, 409: 'TASK_NOT_REVOCABLE: the task is running or has finished' })
  revoke(@Param('id') id: string) {
    return this.tasks.revoke(id);
  }
}
