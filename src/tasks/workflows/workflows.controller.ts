import { Body, Controller, Delete, Get, Headers, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOnly } from '../../auth/admin-only.decorator';
import { ApiErrors } from '../../common/api-errors.decorator';
import { CANVAS_BODY_SCHEMA, CANVAS_EXAMPLES, CANVAS_SCHEMAS } from './dto/canvas.schema';
import { SubmittedWorkflow } from './dto/submitted-workflow.response';
import { WorkflowStatus } from './dto/workflow-status.response';
import { WorkflowsService } from './workflows.service';

const NOT_FOUND = 'WORKFLOW_NOT_FOUND: no workflow has this id: it never existed or it has expired';

/** Workflows over HTTP, for admins: Celery's chain, group and chord. */
@ApiTags('workflows')
@Controller('admin/workflows')
@AdminOnly()
@ApiExtraModels(...CANVAS_SCHEMAS)
@ApiErrors({
  503:
    'TASK_BROKER_UNAVAILABLE: the queue Redis does not answer within QUEUE_TIMEOUT_MS; ' +
    'TASK_BROKER_FULL: it is out of memory and refuses new tasks',
})
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  /**
   * Checks the whole canvas, then enqueues its first tasks: accepted whole or not at all. With an
   * `Idempotency-Key` already used for this canvas, nothing changes and the answer is its status.
   */
  @Post()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Up to 255 printable ASCII characters. Every request with the same key within TASK_RESULT_TTL names one workflow: ' +
      'the first submits it (202), the others answer its status (200); another canvas with the key is refused (422).',
  })
  @ApiBody({ schema: CANVAS_BODY_SCHEMA, examples: CANVAS_EXAMPLES })
  @ApiAcceptedResponse({ type: SubmittedWorkflow, description: 'Submitted' })
  @ApiOkResponse({ type: WorkflowStatus, description: 'A workflow with this Idempotency-Key was already there: nothing changed' })
  @ApiErrors({
    400:
      'WORKFLOW_INVALID: the canvas, a task name, the arguments or an option of a step are not valid ' +
      '(details.causes: the code and message POST /api/admin/tasks gives each); ' +
      'WORKFLOW_TOO_DEEP: nested more than 8 deep; WORKFLOW_TOO_LARGE: more than 10,000 tasks; ' +
      'IDEMPOTENCY_KEY_INVALID: the Idempotency-Key is empty, too long or not printable ASCII',
    422: 'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was first used with another canvas',
  })
  async submit(
    @Body() canvas: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { created, workflow } = await this.workflows.submitOnce(canvas, idempotencyKey);
    await reply.status(created ? HttpStatus.ACCEPTED : HttpStatus.OK).send(workflow);
  }

  /** The workflow's state, its result once it succeeded, and its tasks. */
  @Get(':id')
  @ApiOkResponse({ type: WorkflowStatus })
  @ApiErrors({ 404: NOT_FOUND })
  status(@Param('id') id: string) {
    return this.workflows.status(id);
  }

  /** Revokes the workflow: no further step runs, and its tasks that have not started never will. */
  @Delete(':id')
  @ApiOkResponse({ type: WorkflowStatus, description: 'The workflow, now REVOKED' })
  @ApiErrors({ 404: NOT_FOUND, 409: 'WORKFLOW_FINISHED: the workflow has already finished' })
  revoke(@Param('id') id: string) {
    return this.workflows.revoke(id);
  }
}
