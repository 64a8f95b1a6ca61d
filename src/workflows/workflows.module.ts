import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module';
import { TaskWorkflows } from '../tasks/task-workflows';
import { WorkflowStore } from './workflow.store';
import { WorkflowsService } from './workflows.service';

/**
 * Celery's canvas on the tasks. Every role loads it: the api and the CLI submit and read
 * workflows, and in a worker it moves them on as their tasks finish. It depends on TasksModule,
 * never the reverse: TasksService reaches it through the TaskWorkflows port.
 */
@Module({
  imports: [TasksModule],
  providers: [WorkflowStore, WorkflowsService, { provide: TaskWorkflows, useExisting: WorkflowsService }],
  exports: [WorkflowsService],
})
export class WorkflowsModule {}
