import type { Queue } from 'bull';

// Bull 4 is in maintenance mode (bug fixes only). Where its worker loop falls short, these work
// around it on the queues a worker processes, each naming the part of Bull it covers.

/**
 * Bull 4's `process` names its blocking connection (`CLIENT SETNAME`, lib/worker.js) and leaves the
 * answer unhandled: a shutdown right after the start, which disconnects that connection, would end
 * the process on an unhandled rejection. The name only serves Bull's `getWorkers`.
 */
export function nameWorkerWithoutRejection(queue: Queue, onError: (error: unknown) => void): void {
  const named = queue as Queue & { setWorkerName(): Promise<void> };
  const setWorkerName = named.setWorkerName.bind(queue);
  named.setWorkerName = () => setWorkerName().catch(onError);
}

/** What {@link stopTakingJobs} reads of a Bull 4 queue; `bclient` is made on first read, hence `bclientInitialized`. */
type PausableQueue = Queue & {
  paused?: Promise<void> | null;
  bclientInitialized?: boolean;
  bclient: { blocked?: boolean; isCluster?: boolean; disconnect(): void };
};

/**
 * Bull's local pause without its half-second wait. To abort the blocking pop, Bull 4 sends QUIT on
 * that connection, which Redis answers only once the pop returns, and waits up to 500 ms for it
 * (lib/queue.js, redisClientDisconnect). Once Bull has marked the queue paused, which makes it
 * ignore the aborted pop's error, the connection is dropped at once, as Bull's own `disconnect`
 * does with a blocked client; Bull then connects it again, idle while paused.
 */
export async function stopTakingJobs(queue: Queue): Promise<void> {
  const pausing = queue.pause(true, true);
  // Resumes after `pause`'s own callback on isReady, which marks the queue paused and sends QUIT.
  await queue.isReady();
  const bull = queue as PausableQueue;
  // Not on a Redis Cluster: ioredis' Cluster, dropped while its QUIT is pending, fails the
  // reconnection that follows, and the pause never ends.
  if (bull.paused && bull.bclientInitialized && bull.bclient.blocked && !bull.bclient.isCluster) bull.bclient.disconnect();
  await pausing;
}

/** A job's fields as Bull 4 reads them from Redis (lib/scripts.js, raw2jobData). */
type JobFields = Record<string, string>;

/**
 * Bull 4 reads a job's stack traces with `JSON.parse(json.stacktrace)` (lib/job.js, getTraces) and
 * catches the SyntaxError of a job that has none, which is every job not yet failed: an exception
 * and its stack, about 5 µs, the largest single cost in a worker's profile at concurrency 16
 * (BENCHMARKS.md, Tasks). Such a job reaches Bull with the empty list it would read anyway.
 */
export function readJobsWithoutTraceErrors(queue: Queue): void {
  const bull = queue as Queue & { nextJobFromJobData(jobData: JobFields | null, jobId: string): unknown };
  const nextJobFromJobData = bull.nextJobFromJobData.bind(queue);
  bull.nextJobFromJobData = (jobData, jobId) => {
    if (jobData && jobData.stacktrace === undefined) jobData.stacktrace = '[]';
    return nextJobFromJobData(jobData, jobId);
  };
}
