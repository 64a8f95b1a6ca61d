import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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

  /** Checks the whole canvas, then enqueues its first tasks: accepted whole or not at all. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiBody({ schema: CANVAS_BODY_SCHEMA, examples: CANVAS_EXAMPLES })
  @ApiAcceptedResponse({ type: SubmittedWorkflow })
  @ApiErrors({
    400:
      'WORKFLOW_INVALID: the canvas, a task name, the arguments or the timing of a step are not valid; ' +
      'WORKFLOW_TOO_DEEP: nested more than 8 deep; WORKFLOW_TOO_LARGE: more than 10,000 tasks',
  })
  submit(@Body() canvas: unknown) {
    return this.workflows.submit(canvas);
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
