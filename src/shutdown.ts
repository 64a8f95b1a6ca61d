import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * On SIGTERM or SIGINT: stop taking new work, let in-flight requests and jobs finish, close every
 * connection and exit 0. Whatever is still running after the grace period is abandoned with
 * exit 1 (Bull hands an abandoned job to another worker as stalled).
 */
export function installShutdown(app: INestApplicationContext, graceMs: number, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `Received ${signal}, shutting down (grace ${graceMs / 1000}s)`);
    const deadline = setTimeout(() => {
      logger.error(`Shutdown did not finish within ${graceMs / 1000}s, exiting`);
      logger.flush();
      process.exit(1);
    }, graceMs);
    deadline.unref();
    app.close().then(
      () => {
        logger.info('Shut down cleanly');
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
