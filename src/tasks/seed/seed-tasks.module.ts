import { Module } from '@nestjs/common';
import { AddTask } from './add.task';
import { LowTask } from './low.task';
import { TestTask } from './test-task.task';
import { XsumTask } from './xsum.task';

/** The handlers of the seed's tasks (declared in seed.tasks.ts): imported for the worker role. */
@Module({ providers: [AddTask, LowTask, TestTask, XsumTask] })
export class SeedTasksModule {}
