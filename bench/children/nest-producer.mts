/**
 * The application's producer: a Nest context with no role (as the CLI starts) that enqueues
 * through the real TasksService, as the api and the beat do.
 */
import { createRequire } from 'node:module';
import pino from 'pino';
import type * as Bootstrap from '../../src/bootstrap.ts';
import type * as ConfigModule from '../../src/config/config.module.ts';
import type * as Service from '../../src/tasks/tasks.service.ts';
import { serveRequests } from '../lib/ipc.mts';
import { enqueueAll, type ProduceRequest } from './produce.mts';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { startApplication } = require('../../dist/bootstrap') as typeof Bootstrap;
const { AppConfigModule } = require('../../dist/config/config.module') as typeof ConfigModule;
const { TasksService } = require('../../dist/tasks/tasks.service') as typeof Service;

const loaded = AppConfigModule.load();
const logger = pino({ level: 'warn', base: { role: 'bench-producer' } });
const { app } = await startApplication(new Set(), loaded, logger);
const tasks = app.get(TasksService);

serveRequests((body) => {
  const { count, etas, task = 'add' } = body as ProduceRequest;
  return enqueueAll(count, (index) =>
    tasks
      .applyAsync(task, { args: task === 'fib' ? [1] : [index, 1], ...(etas ? { eta: new Date(etas[index]) } : {}) })
      .then(({ id }) => id),
  );
});
