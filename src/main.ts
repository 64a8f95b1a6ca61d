import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import {
  type EnqueueCommand,
  parseCommandLine,
  type ResultCommand,
  type ServeCommand,
  UsageError,
  type WorkflowCommand,
} from './command-line';
import { ConfigError } from './config/env-reader';
import type { LoadedConfig } from './config/config.module';
import { CLI_EXIT, runTaskCommand } from './tasks/tasks.cli';
import { runWorkflowCommand } from './tasks/workflows/workflows.cli';

const EXIT_BAD_CONFIG = 1;
const EXIT_USAGE = 2;

// Nest, the application and its clients are required once the command line has parsed, so that a
// usage error does not wait for them to load.

/** Loads Nest before anything else requires it, leaving out what no role uses (see memory/nest-load). */
function loadNest(): void {
  (require('./memory/nest-load') as typeof import('./memory/nest-load')).loadNest();
}

/** The validated configuration, or one line naming the bad variable and the exit code given. */
function loadConfigOrExit(exitCode: number): LoadedConfig {
  const { AppConfigModule } = require('./config/config.module') as typeof import('./config/config.module');
  try {
    return AppConfigModule.load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(exitCode);
  }
}

async function serve({ roles, queues }: ServeCommand): Promise<void> {
  const { optimizingCompilersUnneeded, turnOffOptimizingCompilers } =
    require('./memory/optimizing-compilers') as typeof import('./memory/optimizing-compilers');
  // Before the configuration loads: loading modules is the first code hot enough for TurboFan.
  const compilersOff = optimizingCompilersUnneeded(roles);
  if (compilersOff) turnOffOptimizingCompilers();
  loadNest();
  const loaded = loadConfigOrExit(EXIT_BAD_CONFIG);
  const { capYoungGeneration, semiSpaceCapMb } = require('./memory/young-generation-cap') as typeof import('./memory/young-generation-cap');
  const semiSpaceMb = semiSpaceCapMb(roles);
  // Before the application loads, so that its start-up grows the young generation no further.
  const youngGenerationCapped = capYoungGeneration(semiSpaceMb);
  const { createRootLogger } = require('./logging/root-logger') as typeof import('./logging/root-logger');
  const { startApplication } = require('./bootstrap') as typeof import('./bootstrap');
  const { installShutdown } = require('./shutdown') as typeof import('./shutdown');

  const logger = createRootLogger(loaded.config, roles);
  logger.info(`Starting as ${[...roles].join(', ')}`);
  logger.debug(
    youngGenerationCapped ? `Young generation capped at ${semiSpaceMb} MB semi-spaces` : 'Young generation left to --max-semi-space-size',
  );
  if (compilersOff) logger.debug("V8's optimizing compilers are off: the beat alone runs no hot code");
  try {
    const { app, url } = await startApplication(roles, loaded, logger, { queues });
    installShutdown(app, loaded.config.shutdownGraceMs, logger);
    logger.info(url ? `Ready, listening on ${url}` : 'Ready, serving no HTTP');
  } catch (error) {
    logger.fatal({ err: error }, `Start-up failed: ${error instanceof Error ? error.message : String(error)}`);
    logger.flush();
    process.exit(1);
  }
}

/**
 * `enqueue`, `result` and `workflow`: a producer context only (no role: no HTTP, no processor, no database),
 * with stdout kept for the answer and warnings on stderr.
 */
async function runTask(command: EnqueueCommand | ResultCommand | WorkflowCommand): Promise<never> {
  loadNest();
  const loaded = loadConfigOrExit(CLI_EXIT.unavailable);
  const pino = require('pino') as typeof import('pino');
  const { startApplication } = require('./bootstrap') as typeof import('./bootstrap');
  const { TasksService } = require('./tasks/tasks.service') as typeof import('./tasks/tasks.service');
  const { WorkflowsService } = require('./tasks/workflows/workflows.service') as typeof import('./tasks/workflows/workflows.service');

  const logger = pino({ level: 'warn', base: { pid: process.pid, role: 'cli' } }, pino.destination(2));
  let app: INestApplicationContext | undefined;
  let code: number;
  try {
    ({ app } = await startApplication(new Set(), loaded, logger));
    const output = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };
    code =
      command.kind === 'workflow'
        ? await runWorkflowCommand(command, app.get(WorkflowsService), output)
        : await runTaskCommand(command, app.get(TasksService), output);
  } catch (error) {
    console.error(`Could not ${command.kind}: ${error instanceof Error ? error.message : String(error)}`);
    code = CLI_EXIT.unavailable;
  } finally {
    await app?.close();
  }
  process.exit(code);
}

async function main(): Promise<void> {
  let command;
  try {
    command = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exit(EXIT_USAGE);
  }
  if (command.kind === 'serve') await serve(command);
  else await runTask(command);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(EXIT_USAGE);
});
