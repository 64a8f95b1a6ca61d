import { type DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import './app/task-catalog';
import type { WorkerOptions } from './app/worker-role.module';
import type { AppConfig } from './config/app-config';
import type { LoadedConfig } from './config/config.module';
import { LoggingModule } from './logging/logging.module';
import { MemoryModule } from './memory/memory.module';
import { MetricsModule, metricsOnPublicPort } from './metrics/metrics.module';
import type { Role } from './roles';
import { TasksModule } from './tasks/tasks.module';

type Imports = NonNullable<ModuleMetadata['imports']>;

/*
 * The modules below are required only when a role needs them, never at the top of this file: a
 * process does not even load the code of a role it does not play (a beat loads no TypeORM,
 * Fastify or Swagger), which keeps its memory and start-up time to what it runs.
 */

/** Each role's root module. */
const ROLE_MODULES: Record<Role, (worker: WorkerOptions) => Type | DynamicModule> = {
  api: () => (require('./app/api-role.module') as typeof import('./app/api-role.module')).ApiRoleModule,
  worker: (worker) => (require('./app/worker-role.module') as typeof import('./app/worker-role.module')).WorkerRoleModule.register(worker),
  beat: () => (require('./app/beat-role.module') as typeof import('./app/beat-role.module')).BeatRoleModule,
};

/** `/metrics` on the api's public port, behind the admin token, unless METRICS_PORT moves it to a port of its own. */
function publicMetrics(roles: ReadonlySet<Role>, config: AppConfig): Imports {
  if (!roles.has('api') || !metricsOnPublicPort(config)) return [];
  const { MetricsHttpModule } = require('./metrics/metrics-http.module') as typeof import('./metrics/metrics-http.module');
  return [MetricsHttpModule];
}

/** The MySQL connection, shared by the api and the worker; only a process that serves HTTP migrates. */
function database(roles: ReadonlySet<Role>, config: AppConfig): Imports {
  if (!roles.has('api') && !roles.has('worker')) return [];
  const { DatabaseModule } = require('./database/database.module') as typeof import('./database/database.module');
  return [DatabaseModule.forRoot({ runMigrations: roles.has('api') && config.database.migrationsRun })];
}

/**
 * Celery's canvas: the api and the CLI submit and read workflows, and a worker moves them on as their
 * tasks finish; a beat only enqueues plain tasks.
 */
function workflows(roles: ReadonlySet<Role>): Imports {
  if (roles.size > 0 && !roles.has('api') && !roles.has('worker')) return [];
  const { WorkflowsModule } = require('./tasks/workflows/workflows.module') as typeof import('./tasks/workflows/workflows.module');
  return [WorkflowsModule];
}

/**
 * The root module for the roles this process plays: what every process needs (configuration,
 * logger, metrics, the task producer and every task's declaration), the workflows where they are
 * used, the heap trimmer of a long-running process, then each role's root module.
 * Modules that several roles import (banners, the queue monitor) are instantiated once.
 */
@Module({})
export class AppModule {
  /** @param worker how a worker role is started (`--queues`). */
  static forRoles(roles: ReadonlySet<Role>, loaded: LoadedConfig, logger: Logger, worker: WorkerOptions = {}): DynamicModule {
    const { config } = loaded;
    return {
      module: AppModule,
      imports: [
        loaded.module,
        LoggingModule.forRoot(logger),
        MetricsModule.forRoles(roles, config),
        TasksModule,
        ...workflows(roles),
        ...database(roles, config),
        ...publicMetrics(roles, config),
        // A role's process runs for days; the CLI's exits at once.
        ...(roles.size > 0 ? [MemoryModule] : []),
        ...[...roles].map((role) => ROLE_MODULES[role](worker)),
      ],
    };
  }
}
