import Redis from 'ioredis';
import type { INestApplicationContext } from '@nestjs/common';
import { startApplication } from '../../src/bootstrap';
import { AppConfigModule } from '../../src/config/config.module';
import { createRootLogger } from '../../src/logging/root-logger';
import type { TaskStatus } from '../../src/tasks/admin/dto/task-status.response';
import type { TaskState } from '../../src/tasks/runtime/task-state';
import { TasksService } from '../../src/tasks/tasks.service';
import { gateKeys } from '../fixtures/testing-tasks/gate.task';
import { pollUntil } from './poll';
import { includeTestingTasks } from '../fixtures/testing-tasks/include-testing-tasks';

// The suites' tasks (testing.*), which the build does not contain.
includeTestingTasks();

/** A producer in the test process, composed like the CLI's (no role), and the broker Redis. */
export interface TaskClient {
  /** The client's Nest context (no role): for a test that acts as a part of the service would. */
  readonly app: INestApplicationContext;
  readonly tasks: TasksService;
  readonly redis: Redis;
  /** Resolves once the task reaches one of the states, recording every state seen on the way. */
  waitForState(id: string, states: readonly TaskState[], seen?: TaskState[]): Promise<TaskStatus>;
  /** A gate of `testing.gate` tasks. */
  gate(name: string): Gate;
  close(): Promise<void>;
}

export interface Gate {
  readonly name: string;
  open: () => Promise<void>;
  /** pids of the workers that started a run, in order. */
  started: () => Promise<number[]>;
  /** pids of the workers that finished a run, in order. */
  finished: () => Promise<number[]>;
}

export async function startTaskClient(env: Readonly<Record<string, string>>): Promise<TaskClient> {
  const loaded = AppConfigModule.load(env);
  const { app } = await startApplication(new Set(), loaded, createRootLogger(loaded.config, new Set()));
  const tasks = app.get(TasksService);
  const redis = new Redis(loaded.config.queue.redis.url);
  const pids = async (key: string) => (await redis.lrange(key, 0, -1)).map(Number);
  return {
    app,
    tasks,
    redis,
    waitForState: (id, states, seen = []) =>
      pollUntil(
        async () => {
          const status = await tasks.result(id);
          if (seen.at(-1) !== status.state) seen.push(status.state);
          return status;
        },
        (status) => states.includes(status.state),
        `task ${id} to reach ${states.join(' or ')}`,
      ),
    gate: (name) => {
      const keys = gateKeys(loaded.config.queue.prefix, name);
      return {
        name,
        open: async () => void (await redis.set(keys.open, '1')),
        started: () => pids(keys.started),
        finished: () => pids(keys.finished),
      };
    },
    close: async () => {
      await app.close();
      await redis.quit();
    },
  };
}
