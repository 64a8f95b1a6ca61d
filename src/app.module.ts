import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import type { Logger } from 'pino';
import { BannerModule } from './banner/banner.module';
import { BeatSchedulerModule } from './beat/beat-scheduler.module';
import { BeatModule } from './beat/beat.module';
import type { AppConfig } from './config/app-config';
import type { LoadedConfig } from './config/config.module';
import { QueueDashboardModule } from './dashboard/queue-dashboard.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { HomeModule } from './home/home.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import type { Role } from './roles';
import { SecurityModule } from './security/security.module';
import { EvictionPolicyCheckModule } from './tasks/eviction-policy-check.module';
import { TasksModule } from './tasks/tasks.module';
import { TasksAdminModule } from './tasks/tasks-admin.module';
import { TasksWorkerModule } from './tasks/tasks-worker.module';
import { TestingTasksModule } from './tasks/testing/testing-tasks.module';

type Imports = NonNullable<ModuleMetadata['imports']>;

/** What each role adds to the process; modules shared by roles are imported once. */
function roleImports(roles: ReadonlySet<Role>, config: AppConfig): Imports {
  const imports: Imports = [TasksModule, MetricsModule.forRoles(roles, config)];
  if (roles.has('api') || roles.has('worker')) {
    imports.push(DatabaseModule.forRoot({ runMigrations: roles.has('api') && config.database.migrationsRun }));
    imports.push(BannerModule, EvictionPolicyCheckModule);
  }
  if (roles.has('api')) imports.push(HealthModule, HomeModule, QueueDashboardModule, TasksAdminModule, BeatModule, SecurityModule);
  if (roles.has('worker')) imports.push(TasksWorkerModule);
  if (roles.has('worker') && config.nodeEnv === 'test') imports.push(TestingTasksModule);
  if (roles.has('beat')) imports.push(BeatSchedulerModule);
  return imports;
}

/** The root module, composed for the roles this process plays. */
@Module({})
export class AppModule {
  static forRoles(roles: ReadonlySet<Role>, config: LoadedConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [config.module, LoggingModule.forRoot(logger), ...roleImports(roles, config.config)],
    };
  }
}
