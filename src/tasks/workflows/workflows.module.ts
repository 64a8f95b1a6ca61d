import { Module } from '@nestjs/common';
import { TaskQueuesModule } from '../runtime/task-queues.module';
import { TasksModule } from '../tasks.module';
import { TaskWorkflows } from '../task-workflows';
import { WorkflowStore } from './workflow.store';
import { WorkflowsService } from './workflows.service';

/**
 * Celery's canvas on the tasks. The api and the CLI load it to submit and read workflows, and a
 * worker to move them on as their tasks finish; a beat, which only enqueues plain tasks, does not.
 * It depends on TasksModule, never the reverse: TasksService reaches it through the TaskWorkflows
 * port.
 */
@Module({
  imports: [TasksModule, TaskQueuesModule],
  providers: [WorkflowStore, WorkflowsService, { provide: TaskWorkflows, useExisting: WorkflowsService }],
  exports: [WorkflowsService],
})
export class WorkflowsModule {}
