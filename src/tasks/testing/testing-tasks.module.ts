import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks.module';
import { FailTask } from './fail.task';
import { FlakyTask } from './flaky.task';
import { GateTask } from './gate.task';
import { RecordTask } from './record.task';
import { SleepTask } from './sleep.task';

/**
 * Tasks that exist for the e2e and fault suites: they reach on demand the states the seed's tasks
 * never do (RETRY, FAILURE, a job that holds on while a worker is killed, one that takes a given
 * time, one that records its runs). They are declared `testOnly`, so the registry knows them only
 * when NODE_ENV=test, and this module is loaded only then (see AppModule): a production api
 * refuses them as unknown and a production worker has no handler.
 */
@Module({
  imports: [TasksModule],
  providers: [FailTask, FlakyTask, GateTask, RecordTask, SleepTask],
})
export class TestingTasksModule {}
