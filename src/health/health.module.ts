import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheModule } from '../cache/cache.module';
import { TasksModule } from '../tasks/tasks.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), CacheModule, TasksModule],
  controllers: [HealthController],
})
export class HealthModule {}
