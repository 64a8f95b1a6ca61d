import type { Child } from './processes.mts';

interface Envelope {
  readonly id: number;
  readonly body?: unknown;
  readonly error?: string;
}

let nextId = 0;

/** Sends one request to a bench child and resolves with its answer (see {@link serveRequests}). */
export function request<T>(child: Child, body: unknown): Promise<T> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const onMessage = (message: Envelope) => {
      if (message.id !== id) return;
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.body as T);
    };
    const onExit = () => reject(new Error(`The child exited while handling ${JSON.stringify(body)}`));
    child.process.on('message', onMessage);
    child.process.once('exit', onExit);
    child.process.send({ id, body });
  });
}

/** The child's side: answers each request with what the handler resolves to. */
export function serveRequests(handler: (body: unknown) => Promise<unknown>): void {
  process.on('message', (message: Envelope) => {
    handler(message.body).then(
      (body) => process.send?.({ id: message.id, body }),
      (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.stack : String(error) }),
    );
  });
  // The parent's exit closes the channel: so must this child.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ id: 0, body: 'ready' });
}

/** Resolves once a child started with {@link serveRequests} is listening. */
export function childReady(child: Child): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Envelope) => {
      if (message.id !== 0) return;
      child.process.off('message', onMessage);
      resolve();
    };
    child.process.on('message', onMessage);
    child.process.once('exit', (code) => reject(new Error(`The child exited (${code}) before it was ready`)));
  });
}
