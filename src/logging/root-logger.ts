import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import type { Role } from '../roles';

/**
 * The process's pino logger, created before Nest so that the first line names the roles. Every
 * line carries them; pretty-printed when NODE_ENV=development (pino-pretty is a dev dependency).
 */
export function createRootLogger(config: AppConfig, roles: ReadonlySet<Role>): Logger {
  const options = {
    level: config.logLevel,
    base: { pid: process.pid, role: [...roles].join(',') },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  if (config.nodeEnv === 'development') return pino({ ...options, transport: { target: 'pino-pretty' } });
  // Asynchronous writes: lines logged while a write is in flight go out together in the next one,
  // instead of one blocking write per line, which cost the api a fifth of its throughput under
  // load (BENCHMARKS.md). pino flushes what is pending on exit (process.exit and crashes too);
  // only SIGKILL can lose the last lines.
  return pino(options, pino.destination({ dest: 1, sync: false }));
}
