import { createHash } from 'node:crypto';

/**
 * The task id of one tick of one entry: a name-based UUID (version 5 layout) of the entry and the
 * tick time. Every beat process computes the same id for the same tick, and Bull adds a job id
 * only once, so each tick is enqueued exactly once however many beats run.
 */
export function tickTaskId(entry: string, tick: Date): string {
  const bytes = createHash('sha1').update(`beat:${entry}@${tick.toISOString()}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
