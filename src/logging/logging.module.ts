import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * Structured JSON logs through nestjs-pino, on the process's root logger. Its pino-http
 * middleware is not mounted (no routes): the api writes its own lean access log line and binds
 * each request's id to the lines logged meanwhile (see `logAccess`).
 */
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })],
    };
  }
}
