import { BullModule, getQueueToken } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../config/app-config';
import { ALL_QUEUES, TaskQueues } from './queues';
import { AddTask } from './seed/add.task';
import { LowTask } from './seed/low.task';
import { TestTask } from './seed/test-task.task';
import { TaskRegistry } from './task.registry';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

/**
 * A job whose worker stopped renewing its lock for this many times in a row (a crash, or an event
 * loop blocked for more than half the lock time, OptimalBits/bull#1982) runs again; one more and it
 * fails. 2 lets a job survive one worker crash plus one false alarm, while a job that kills every
 * worker that takes it ends in FAILURE after three runs instead of crash-looping the fleet.
 */
const MAX_STALLED_COUNT = 2;

/**
 * The broker and result store: Bull on `QUEUE_REDIS_URL`. Every role (and the CLI) imports this
 * module to enqueue and read results; only the worker role adds the processor (TasksWorkerModule).
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const { host, port, db, username, password } = config.queue.redis;
        const { lockMs } = config.worker;
        return {
          redis: { host, port, db, username, password },
          prefix: config.queue.prefix,
          // A job's lock lasts lockMs and is renewed every lockMs / 2; the stalled check runs
          // every lockMs, so a dead worker's job runs again within about 3 × lockMs.
          settings: { lockDuration: lockMs, lockRenewTime: lockMs / 2, stalledInterval: lockMs, maxStalledCount: MAX_STALLED_COUNT },
        };
      },
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [
    {
      provide: TaskQueues,
      useFactory: (...queues: Queue[]) => new TaskQueues(queues),
      inject: ALL_QUEUES.map((name) => getQueueToken(name)),
    },
    TaskRegistry,
    TasksRepository,
    TasksService,
    AddTask,
    LowTask,
    TestTask,
  ],
  // Other features use TasksService only; the rest is for the worker and testing modules of src/tasks.
  exports: [TasksService, TaskRegistry, TasksRepository, TaskQueues],
})
export class TasksModule {}
