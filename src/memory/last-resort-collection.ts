import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Loaded by the heartbeat thread as well, which Node may run from the TypeScript source: erasable
// syntax only (see tasks/runtime/heartbeat/heartbeat.store.ts).

/** V8's `gc` extension (src/extensions/gc-extension.cc): `last-resort` is the collection V8 runs on a low-memory notification. */
type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * A function that runs, in the calling thread's heap, the collection V8 otherwise runs only when
 * the system is short of memory: it frees every unreachable object and gives the emptied pages
 * back. Node exposes it only through `gc`, so this sets the flag (once per process is enough; it
 * adds `gc` to the contexts made after it).
 */
export function lastResortCollection(): () => void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as Collect;
  return () => collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
