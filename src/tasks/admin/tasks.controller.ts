import { Body, Controller, Delete, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOnly } from '../../auth/admin-only.decorator';
import { ApiErrors } from '../../common/api-errors.decorator';
import { Enqueues } from '../../security/enqueues.decorator';
import { EnqueueTaskDto } from './dto/enqueue-task.dto';
import { EnqueuedTask } from './dto/enqueued-task.response';
import { ListTasksQuery } from './dto/list-tasks.query';
import { RevokeTaskQuery } from './dto/revoke-task.query';
import { TaskStatus } from './dto/task-status.response';
import { TasksService } from '../tasks.service';
import { TaskRequests } from './task-requests.service';

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
  constructor(
    private readonly tasks: TasksService,
    private readonly requests: TaskRequests,
  ) {}

  /**
   * Enqueues a task, at once or later: Celery's `apply_async`. With an `id` (or an
   * `Idempotency-Key`) that names a kept task, nothing changes and the answer is its status.
   */
  @Post()
  @Enqueues()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Up to 255 printable ASCII characters. Every request with the same key within TASK_RESULT_TTL names one task: ' +
      'the first creates it (202), the others answer its status (200); another body with the key is refused (422).',
  })
  @ApiAcceptedResponse({ type: EnqueuedTask, description: 'Created' })
  @ApiOkResponse({ type: TaskStatus, description: 'A task with this id or Idempotency-Key was already there: nothing changed' })
  @ApiErrors({
    400:
      'TASK_INVALID_ARGS, TASK_INVALID_SCHEDULE, TASK_INVALID_ID, TASK_INVALID_OPTION, IDEMPOTENCY_KEY_INVALID or VALIDATION_FAILED: ' +
      'the arguments, the timing, the id, the queue, the Idempotency-Key or the body are not valid',
    404: 'TASK_UNKNOWN: no task has this name',
    413: 'TASK_ARGS_TOO_LARGE: args and kwargs are over TASK_MAX_ARGS_BYTES',
    429: 'TOO_MANY_REQUESTS: over TASK_ENQUEUES_PER_MINUTE; Retry-After says when to try again',
    422: 'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was first used with another body',
  })
  async enqueue(
    @Body() request: EnqueueTaskDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { status, body } = await this.requests.enqueue(request, idempotencyKey);
    await reply.status(status).send(body);
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

  /**
   * Revokes a task that has not started (PENDING or RETRY): it will never run. With
   * `terminate=true`, a running task is stopped too, and the answer comes once it has stopped.
   */
  @Delete(':id')
  @ApiOkResponse({ type: TaskStatus, description: 'The task, now REVOKED' })
  @ApiErrors({
    400: 'VALIDATION_FAILED: terminate is neither true nor false',
    404: NOT_FOUND,
    409: 'TASK_NOT_REVOCABLE: the task is running (and terminate is not true) or has finished',
  })
  revoke(@Param('id') id: string, @Query() { terminate }: RevokeTaskQuery) {
    return this.tasks.revoke(id, { terminate: terminate === 'true' });
  }
}
