import { Module } from '@nestjs/common';
import { TaskQueuesModule } from '../runtime/task-queues.module';
import { FailTask } from './fail.task';
import { FlakyTask } from './flaky.task';
import { GateTask } from './gate.task';
import { SleepTask } from './sleep.task';

/**
 * Tasks that exist for the e2e and fault suites: they reach on demand the states the seed's tasks
 * never do (RETRY, FAILURE, a job that holds on while a worker is killed, one that takes a given
 * time). They are declared `testOnly`, so the registry knows them only when NODE_ENV=test, and this
 * module is loaded only then (see AppModule): a production api refuses them as unknown and a
 * production worker has no handler.
 */
@Module({
  imports: [TaskQueuesModule],
  providers: [FailTask, FlakyTask, GateTask, SleepTask],
})
export class TestingTasksModule {}
