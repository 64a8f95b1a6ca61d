/**
 * The application's producer of workflows: a Nest context with no role (as the CLI starts) that
 * submits chords and chains through the real TasksService, and enqueues plain tasks for the
 * comparison the same way as nest-producer.mts.
 */
import { createRequire } from 'node:module';
import pino from 'pino';
import type * as Bootstrap from '../../src/bootstrap.ts';
import type * as ConfigModule from '../../src/config/config.module.ts';
import type * as Service from '../../src/tasks/tasks.service.ts';
import { serveRequests } from '../lib/ipc.mts';
import { enqueueAll } from './produce.mts';

/** What the bench asks for: `size` independent `add` tasks, a chord of `size` `add` and `xsum`, or a chain of `size` steps. */
export interface WorkflowRequest {
  readonly kind: 'plain' | 'chord' | 'chain';
  readonly size: number;
}

export interface WorkflowProduced {
  readonly startedAt: number;
  /** When the producer had enqueued everything it enqueues (for a chord: its header; for a chain: its first step). */
  readonly endedAt: number;
  /** The workflow's id (chord, chain). */
  readonly id?: string;
  /** The id of the task whose completion ends the run: the chord's body, the chain's last step. */
  readonly lastTaskId?: string;
}

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { startApplication } = require('../../dist/bootstrap') as typeof Bootstrap;
const { AppConfigModule } = require('../../dist/config/config.module') as typeof ConfigModule;
const { TasksService } = require('../../dist/tasks/tasks.service') as typeof Service;

const loaded = AppConfigModule.load();
const logger = pino({ level: 'warn', base: { role: 'bench-workflow-producer' } });
const { app } = await startApplication(new Set(), loaded, logger);
const tasks = app.get(TasksService);

serveRequests(async (body): Promise<WorkflowProduced> => {
  const { kind, size } = body as WorkflowRequest;
  const startedAt = Date.now();
  if (kind === 'plain') {
    await enqueueAll(size, (index) => tasks.applyAsync('add', { args: [index, index] }).then(({ id }) => id));
    return { startedAt, endedAt: Date.now() };
  }
  const submitted =
    kind === 'chord'
      ? await tasks.chord(
          Array.from({ length: size }, (_, i) => ({ name: 'add', args: [i, i] })),
          { name: 'xsum' },
        )
      : await tasks.chain({ name: 'add', args: [0, 1] }, ...Array.from({ length: size - 1 }, () => ({ name: 'add', args: [1] })));
  return { startedAt, endedAt: Date.now(), id: submitted.id, lastTaskId: submitted.tasks.at(-1) };
});
