import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { type RegisteredTask, TaskRegistry } from '../task.registry';
import { loadIsolatedHandler } from './isolated-handler';
import type { IsolatedPool, IsolatedRunOptions } from './isolated-pool';

/**
 * The worker's isolated tasks: checks at start that each one's thread will find its handler, and
 * runs them in the pool of threads, which exists only in a worker with an isolated task (piscina
 * is not even loaded otherwise) and is destroyed on shutdown, after the active jobs.
 */
@Injectable()
export class IsolatedTasks implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IsolatedTasks.name);
  private pool?: IsolatedPool;
  /** The names of the isolated tasks, once the pool exists. */
  private names: ReadonlySet<string> = new Set();

  constructor(
    private readonly registry: TaskRegistry,
    private readonly config: AppConfig,
  ) {}

  /** @throws TaskDeclarationError when an isolated task's file or class cannot work in a thread. */
  onModuleInit(): void {
    const isolated = this.registry.all().filter((task) => task.isolated);
    if (isolated.length === 0) return;
    for (const task of isolated) loadIsolatedHandler(task);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazily: a worker without isolated tasks never loads piscina
    const { IsolatedPool: Pool } = require('./isolated-pool') as typeof import('./isolated-pool');
    this.pool = new Pool({ threads: this.config.worker.isolatedThreads });
    this.names = new Set(isolated.map((task) => task.name));
    this.logger.log(
      { tasks: isolated.map((task) => task.name), threads: this.config.worker.isolatedThreads },
      'Isolated tasks run in threads',
    );
  }

  /** Whether this worker runs the task in its threads. */
  has(name: string): boolean {
    return this.names.has(name);
  }

  async run(task: RegisteredTask, args: unknown[], options: IsolatedRunOptions): Promise<unknown> {
    if (!this.pool) throw new Error(`Task "${task.name}" is not isolated`);
    try {
      return await this.pool.run(task, args, options);
    } catch (error) {
      if (options.hardStop?.aborted)
        this.logger.warn({ taskId: options.id, task: task.name }, 'Terminated the thread of a task at its hard stop');
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
  }
}
