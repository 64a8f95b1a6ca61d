import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { WorkerOptions } from './app/worker-role.module';
import type { LoadedConfig } from './config/config.module';
import type { Role } from './roles';

/** A started process: an HTTP application when it plays `api`, else an application context. */
export interface RunningApplication {
  readonly app: INestApplicationContext;
  /** The HTTP address, when the process plays `api`. */
  readonly url?: string;
}

/**
 * Composes the root module for the roles and starts it. Shared by `main.ts` and the e2e tests,
 * so the tests boot exactly what production runs.
 */
export async function startApplication(
  roles: ReadonlySet<Role>,
  loaded: LoadedConfig,
  logger: Logger,
  worker: WorkerOptions = {},
): Promise<RunningApplication> {
  const rootModule = AppModule.forRoles(roles, loaded, logger, worker);
  const options = { bufferLogs: true, abortOnError: false } as const;

  if (!roles.has('api')) {
    const app = await NestFactory.createApplicationContext(rootModule, options);
    app.useLogger(app.get(NestPinoLogger));
    await app.init();
    return { app };
  }
  // Required here, not at the top: only a process that serves HTTP loads Fastify and Swagger.
  const { startHttpApplication } = require('./app/http-application') as typeof import('./app/http-application');
  return startHttpApplication(rootModule, loaded, logger, options);
}
