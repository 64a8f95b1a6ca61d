import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { startApplication } from './bootstrap';
import { ConfigError } from './config/env-reader';
import { AppConfigModule } from './config/config.module';
import { createRootLogger } from './logging/root-logger';
import { parseRoles, UnknownRoleError } from './roles';
import { installShutdown } from './shutdown';

const EXIT_BAD_CONFIG = 1;
const EXIT_USAGE = 2;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' } }, strict: true });

  let roles;
  try {
    roles = parseRoles(values.role);
  } catch (error) {
    if (!(error instanceof UnknownRoleError)) throw error;
    console.error(error.message);
    process.exit(EXIT_USAGE);
  }

  let loaded;
  try {
    loaded = await AppConfigModule.load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(EXIT_BAD_CONFIG);
  }

  const logger = createRootLogger(loaded.config, roles);
  logger.info(`Starting as ${[...roles].join(', ')}`);
  try {
    const { app, url } = await startApplication(roles, loaded, logger);
    installShutdown(app, loaded.config.shutdownGraceMs, logger);
    logger.info(url ? `Ready, listening on ${url}` : 'Ready, serving no HTTP');
  } catch (error) {
    logger.fatal({ err: error }, 'Start-up failed');
    logger.flush();
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(EXIT_USAGE);
});
