import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ALL_QUEUES } from './queues';
import { TasksService } from './tasks.service';

/**
 * The broker and result store: Bull on `QUEUE_REDIS_URL`. Every role imports this module as a
 * producer; only the worker role adds the processors that execute jobs.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const { host, port, db, username, password } = config.queue.redis;
        return { redis: { host, port, db, username, password }, prefix: config.queue.prefix };
      },
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [TasksService],
  exports: [TasksService],
})
export class TasksModule {}
