import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import type { Role } from '../roles';

/**
 * The process's pino logger, created before Nest so that the first line names the roles. Every
 * line carries them; pretty-printed when NODE_ENV=development (pino-pretty is a dev dependency).
 */
export function createRootLogger(config: AppConfig, roles: ReadonlySet<Role>): Logger {
  return pino({
    level: config.logLevel,
    base: { pid: process.pid, role: [...roles].join(',') },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    transport: config.nodeEnv === 'development' ? { target: 'pino-pretty' } : undefined,
  });
}
