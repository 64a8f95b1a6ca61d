import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import type { Role } from '../roles';
import { LineChunks } from './line-chunks';

/** Characters: as many bytes for the ASCII lines the logs are. */
const LOG_CHUNK_LENGTH = 4096;

/** Secrets never written, at any level (request headers are only logged at debug). */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie'];
const LOG_FLUSH_MS = 100;

/**
 * The process's pino logger, created before Nest so that the first line names the roles. Every
 * line carries them; pretty-printed when NODE_ENV=development (pino-pretty is a dev dependency).
 */
export function createRootLogger(config: AppConfig, roles: ReadonlySet<Role>): Logger {
  const options = {
    level: config.logLevel,
    base: { pid: process.pid, role: [...roles].join(',') },
    redact: REDACTED_PATHS,
  };
  if (config.nodeEnv === 'development') return pino({ ...options, transport: { target: 'pino-pretty' } });
  // Lines are buffered and written in chunks of about LOG_CHUNK_LENGTH, and at least every
  // LOG_FLUSH_MS: one blocking write per line cost a worker a fifth of its time per task
  // (BENCHMARKS.md). Each chunk is written by the event loop itself: handing it to libuv's thread
  // pool (a thread woken, then a callback) cost more CPU per line than the write. What is pending
  // is written on exit (process.exit and crashes too); only SIGKILL can lose the last lines.
  // The chunks are gathered by LineChunks, which costs a line less than sonic-boom's own buffer.
  const destination = new LineChunks(pino.destination({ dest: 1, sync: true }), LOG_CHUNK_LENGTH);
  setInterval(() => destination.flush(), LOG_FLUSH_MS).unref();
  flushOnExit(destination);
  return pino(options, destination);
}

/** The destinations written out as the process exits: pino does so only for a stream it builds itself. */
let flushedOnExit: LineChunks[] | undefined;

function flushOnExit(destination: LineChunks): void {
  if (!flushedOnExit) {
    const destinations: LineChunks[] = (flushedOnExit = []);
    process.once('exit', () => destinations.forEach((pending) => pending.flushSync()));
  }
  flushedOnExit.push(destination);
}
