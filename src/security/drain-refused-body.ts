import type { IncomingMessage } from 'node:http';

/** Draining stops once the client has sent nothing for this long… */
export const DRAIN_IDLE_MS = 1_000;
/** …or after this long in all. */
export const DRAIN_MAX_MS = 10_000;

/**
 * Reads and discards what is left of a request body the server has refused, before the answer
 * goes out and the connection is closed. Closing a socket with unread bytes in it makes the kernel
 * send a reset, and a client still uploading then loses the answer it was sent: it sees a reset
 * instead of a 413. nginx solves it with a lingering close; here the body is drained first, until
 * it ends, the client pauses for {@link DRAIN_IDLE_MS}, or {@link DRAIN_MAX_MS} have passed.
 */
export function drainRefusedBody(request: IncomingMessage): Promise<void> {
  if (request.complete || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let idle: NodeJS.Timeout;
    const done = () => {
      clearTimeout(idle);
      clearTimeout(overall);
      request.off('data', onData).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const onData = () => {
      clearTimeout(idle);
      idle = setTimeout(done, DRAIN_IDLE_MS);
    };
    const overall = setTimeout(done, DRAIN_MAX_MS);
    idle = setTimeout(done, DRAIN_IDLE_MS);
    request.on('data', onData).once('end', done).once('close', done).once('error', done);
    request.resume();
  });
}
