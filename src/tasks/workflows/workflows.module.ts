import { Module } from '@nestjs/common';
import { TaskQueuesModule } from '../runtime/task-queues.module';
import { TasksModule } from '../tasks.module';
import { TaskWorkflows } from '../task-workflows';
import { WorkflowStore } from './workflow.store';
import { WorkflowsService } from './workflows.service';

/**
 * Celery's canvas on the tasks. Every role loads it: the api and the CLI submit and read
 * workflows, and in a worker it moves them on as their tasks finish. It depends on TasksModule,
 * never the reverse: TasksService reaches it through the TaskWorkflows port.
 */
@Module({
  imports: [TasksModule, TaskQueuesModule],
  providers: [WorkflowStore, WorkflowsService, { provide: TaskWorkflows, useExisting: WorkflowsService }],
  exports: [WorkflowsService],
})
export class WorkflowsModule {}
