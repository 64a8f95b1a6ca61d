import { threadId } from 'node:worker_threads';
import { TaskRetry } from '../retry-backoff';
import type { TaskContext, TaskHandler } from '../task.decorator';
import { loadIsolatedHandler } from './isolated-handler';
import {
  carryError,
  type IsolatedOutcome,
  type IsolatedRun,
  restoreError,
  type ThreadMessage,
  type WorkerMessage,
} from './isolated-protocol';

/** One instance per task and thread, built on its first run there. */
const handlers = new Map<string, TaskHandler>();

function handlerOf(run: IsolatedRun): TaskHandler {
  let handler = handlers.get(run.name);
  if (!handler) {
    const HandlerClass = loadIsolatedHandler(run);
    handler = new HandlerClass();
    handlers.set(run.name, handler);
  }
  return handler;
}

/**
 * A pool thread's entry point (piscina calls the default export once per run): runs the handler
 * with its context and answers an outcome rather than throwing, so that the error keeps its name,
 * code and retry request.
 */
export default async function runIsolated(run: IsolatedRun): Promise<IsolatedOutcome> {
  const { port } = run;
  const abort = new AbortController();
  const progressed = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let seq = 0;
  port.on('message', (message: WorkerMessage) => {
    if (message.kind === 'abort') return abort.abort(restoreError(message.reason));
    const pending = progressed.get(message.seq);
    progressed.delete(message.seq);
    if (message.error) pending?.reject(restoreError(message.error));
    else pending?.resolve();
  });
  port.postMessage({ kind: 'started', threadId } satisfies ThreadMessage);
  const context: TaskContext = {
    id: run.id,
    attempt: run.attempt,
    // The soft stop, forwarded from the worker (the hard one terminates this thread).
    signal: abort.signal,
    // Resolves once the job holds the value, as it does in the worker's own thread.
    progress: (percent) =>
      new Promise<void>((resolve, reject) => {
        progressed.set(++seq, { resolve, reject });
        port.postMessage({ kind: 'progress', seq, percent } satisfies ThreadMessage);
      }),
    retry: (request) => {
      throw new TaskRetry(request);
    },
  };
  try {
    return { ok: true, value: await handlerOf(run).run(run.args, context) };
  } catch (error) {
    return { ok: false, error: carryError(error) };
  } finally {
    port.close();
  }
}
