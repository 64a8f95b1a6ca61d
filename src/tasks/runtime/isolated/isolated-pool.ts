import { once } from 'node:events';
import { join } from 'node:path';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { holdYoungGenerationGrowth } from '../../../memory/young-generation-cap';
import type { RegisteredTask } from '../task.registry';
import {
  carryError,
  type IsolatedOutcome,
  type IsolatedRun,
  restoreError,
  type ThreadMessage,
  type WorkerMessage,
} from './isolated-protocol';

/** The build's thread file: isolated tasks run from dist/ only (the e2e suites start `node dist/main`). */
const THREAD_FILE = join(__dirname, 'isolated.thread.js');

/**
 * A thread idle this long ends; the next run starts another. Starting one (and loading its
 * handler's file) costs far more than a run, so a steady flow of runs keeps its threads, and an
 * idle worker holds none.
 */
const IDLE_TIMEOUT_MS = 60_000;

/** Resolves once the thread has stopped (its threadId is -1 from then on, maybe before 'exit'). */
async function exited(thread: Worker): Promise<void> {
  if (thread.threadId !== -1) await once(thread, 'exit');
}

export interface IsolatedRunOptions {
  readonly id: string;
  readonly attempt: number;
  /** Stores the progress on the job; the thread's `context.progress()` resolves once it is stored. */
  progress(percent: number): Promise<void>;
  /** The soft stop: forwarded to the thread, where it aborts `context.signal`. */
  readonly signal?: AbortSignal;
  /** The hard stop: terminates the thread, and the run fails with the signal's reason. */
  readonly hardStop?: AbortSignal;
}

export interface IsolatedPoolOptions {
  /** The most runs at once; more wait for a thread. */
  readonly threads: number;
  /** Node flags of the threads. @defaultValue the process's (a `--require` preload runs in each thread too) */
  readonly execArgv?: readonly string[];
}

/**
 * The worker threads of isolated tasks (piscina): a run happens in a thread of its own, away from
 * the worker's event loop, and a hard stop ends that thread, not just the wait for it.
 */
export class IsolatedPool {
  private readonly piscina: Piscina<IsolatedRun, IsolatedOutcome>;

  constructor({ threads, execArgv }: IsolatedPoolOptions) {
    this.piscina = new Piscina({
      filename: THREAD_FILE,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: IDLE_TIMEOUT_MS,
      ...(execArgv ? { execArgv: [...execArgv] } : {}),
    });
  }

  /**
   * Runs an isolated task's handler in a thread and resolves with its result.
   * @throws the handler's error (its name and code kept; a `context.retry()` as a TaskRetry), or
   * the hard stop's reason once the thread is terminated.
   */
  async run(task: Pick<RegisteredTask, 'name' | 'handlerFile'>, args: unknown[], options: IsolatedRunOptions): Promise<unknown> {
    const releaseGrowth = holdYoungGenerationGrowth();
    const { port1: port, port2: threadPort } = new MessageChannel();
    const send = (message: WorkerMessage) => port.postMessage(message);
    let thread: Worker | undefined;
    port.on('message', (message: ThreadMessage) => {
      if (message.kind === 'started') {
        thread = this.piscina.threads.find((worker) => worker.threadId === message.threadId);
        return;
      }
      const { seq } = message;
      options.progress(message.percent).then(
        () => send({ kind: 'progressed', seq }),
        (error: unknown) => send({ kind: 'progressed', seq, error: carryError(error) }),
      );
    });
    const { signal, hardStop } = options;
    const forwardAbort = () => send({ kind: 'abort', reason: carryError(signal!.reason) });
    if (signal?.aborted) forwardAbort();
    else signal?.addEventListener('abort', forwardAbort, { once: true });
    const run: IsolatedRun = {
      name: task.name,
      handlerFile: task.handlerFile!,
      args,
      id: options.id,
      attempt: options.attempt,
      port: threadPort,
    };
    try {
      const outcome = await this.piscina.run(run, { transferList: [threadPort], ...(hardStop ? { signal: hardStop } : {}) });
      if (!outcome.ok) throw restoreError(outcome.error);
      return outcome.value;
    } catch (error) {
      // piscina rejects an aborted run at once and terminates its thread: wait until the thread is
      // gone, so that nothing of this run still executes when its caller moves on (a retry, say).
      if (hardStop?.aborted && (error as Error).name === 'AbortError') {
        if (thread) await exited(thread);
        throw hardStop.reason;
      }
      throw error;
    } finally {
      releaseGrowth();
      signal?.removeEventListener('abort', forwardAbort);
      port.close();
    }
  }

  /** Ends every thread, and with them any run still going. */
  destroy(): Promise<void> {
    return this.piscina.destroy();
  }
}
