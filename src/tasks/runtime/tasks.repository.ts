import { Injectable } from '@nestjs/common';
import type { Job, JobOptions, Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { callBroker } from './broker-call';
import { type QueueName, TaskQueues } from './queues';
import { RETRY_BACKOFF, type RetryPolicy } from './retry-backoff';
import { TASK_STATES, type TaskState } from './task-state';
import { type BullJobState, bullStatesOf, type StoredTask, type TaskData, toTaskState } from './task-status';
import { terminateChannel, terminatingKey } from './task-cancel';
import type { RegisteredTask } from './task.registry';

/**
 * How many finished tasks each queue keeps per outcome (completed, failed), on top of the age limit
 * of TASK_RESULT_TTL: a burst of tasks cannot fill Redis. Bull keeps every finished job unless told
 * (OptimalBits/bull#840).
 */
const KEPT_RESULTS_PER_QUEUE = 10_000;

/** The most ids read from one list or set when listing: the kept results, and as much backlog. */
const LIST_SCAN_LIMIT = KEPT_RESULTS_PER_QUEUE;

/** Failure reason stored on a revoked job. */
const REVOKED_REASON = 'Revoked';

/** The Redis key of each Bull list or set, by the state it holds. */
const STATE_KEYS: Readonly<Record<BullJobState, { key: string; kind: 'list' | 'zset' }>> = {
  waiting: { key: 'wait', kind: 'list' },
  paused: { key: 'paused', kind: 'list' },
  delayed: { key: 'delayed', kind: 'zset' },
  active: { key: 'active', kind: 'list' },
  completed: { key: 'completed', kind: 'zset' },
  failed: { key: 'failed', kind: 'zset' },
};
const BULL_STATES = Object.keys(STATE_KEYS) as BullJobState[];

/**
 * Reads a job's hash and the first of Bull's lists or sets that holds it (1-based, 0 for none),
 * with its score in a set (when a delayed job is due), in one script so a job moving meanwhile is
 * not missed. `no-writes` lets it run when the broker is
 * full: Redis refuses transactions then, but not read-only scripts.
 *
 * KEYS: job hash, then each state's list or set. ARGV: id, then each state's kind (list or zset).
 */
const FIND_SCRIPT = `#!lua flags=no-writes
local fields = redis.call('HGETALL', KEYS[1])
for i = 2, #KEYS do
  local found
  if ARGV[i] == 'list' then found = redis.call('LPOS', KEYS[i], ARGV[1]) else found = redis.call('ZSCORE', KEYS[i], ARGV[1]) end
  if found then return { fields, i - 1, found } end
end
return { fields, 0 }
`;

/**
 * Revokes a job that has not started, atomically: Redis runs the script alone, so no worker can
 * take the job half-way. The job leaves every list a worker reads from (`wait`, `paused`,
 * `delayed`) and is kept in `failed` with a `revokedOn` mark until the result TTL. Nothing lives
 * in worker memory (unlike Celery's revoke list, lost on restart: celery/celery#4886), so a
 * revoked job never runs, whether or not a worker was up at the time.
 *
 * With `terminate` (ARGV[5] = '1'), a running job is added to the `terminating` set and announced on
 * the queue's terminate channel, for whichever worker runs it (see TaskTerminations).
 *
 * KEYS: job hash, wait, paused, delayed, priority, failed, completed, terminating.
 * ARGV: id, now, ttl ms, reason, terminate (1 or 0), terminate channel.
 */
const REVOKE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
local removed = redis.call('LREM', KEYS[2], 0, ARGV[1]) + redis.call('LREM', KEYS[3], 0, ARGV[1])
  + redis.call('ZREM', KEYS[4], ARGV[1])
if removed == 0 then
  if redis.call('ZSCORE', KEYS[7], ARGV[1]) or redis.call('ZSCORE', KEYS[6], ARGV[1]) then return 'finished' end
  if ARGV[5] ~= '1' then return 'active' end
  redis.call('ZADD', KEYS[8], ARGV[2], ARGV[1])
  redis.call('PUBLISH', ARGV[6], ARGV[1])
  return 'terminating'
end
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], 'failedReason', ARGV[4], 'finishedOn', ARGV[2], 'revokedOn', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', KEYS[6], cjson.encode({ jobId = ARGV[1], val = ARGV[4] }))
return 'revoked'
`;

/**
 * Sets one TTL on many keys. One command where a pipeline of PEXPIREs made an ioredis command, a
 * promise and a reply per finished job (BENCHMARKS.md).
 *
 * KEYS: the job hashes. ARGV: ttl ms.
 */
const EXPIRE_SCRIPT = `
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
`;

/** A job to add: its task, id and data, and where it goes in its queue. */
export interface NewJob {
  readonly task: RegisteredTask;
  readonly id: string;
  readonly data: TaskData;
  /** The call's priority (the task's own, or the caller's), or none. */
  readonly priority?: number;
  readonly delayMs: number;
  /**
   * The moment `delayMs` counts from. Bull holds the job until its timestamp plus the delay, and
   * stamps it when the job is built, a little later than the caller's clock read: passing the
   * caller's moment makes a job with an eta due exactly at the eta.
   */
  readonly enqueuedAt: number;
}

export type RevokeOutcome = 'revoked' | 'missing' | 'active' | 'terminating' | 'finished';

/** A job hash as HGETALL returns it. */
type JobHash = Record<string, string>;

/**
 * The broker side of the tasks: Bull jobs on their queues, read and changed in Redis. Bull's API
 * covers adding and running jobs; reading a job's state consistently, revoking and expiring results
 * need a few commands on Bull's own keys (its documented layout: `<prefix>:<queue>:<list>` and
 * `<prefix>:<queue>:<job id>`). Callers wait on all but `expireResults`, so those use the fail-fast
 * queues (see TaskQueues).
 */
@Injectable()
export class TasksRepository {
  private readonly resultTtlMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly queues: TaskQueues,
    config: AppConfig,
  ) {
    this.resultTtlMs = config.queue.resultTtlMs;
    this.timeoutMs = config.queue.timeoutMs;
  }

  async add(queueName: QueueName, job: NewJob): Promise<void> {
    const queue = this.queues.failFast(queueName);
    const options = this.jobOptions(job);
    await callBroker(queue.client, this.timeoutMs, `enqueue task ${job.id}`, () => queue.add(job.task.name, job.data, options));
  }

  /**
   * Adds jobs to one queue in one transaction (Bull's `addBulk`): one round trip for all of them,
   * each job as {@link add} would add it, an id already kept left as it is.
   */
  async addBulk(queueName: QueueName, jobs: readonly NewJob[]): Promise<void> {
    const queue = this.queues.failFast(queueName);
    const bulk = jobs.map((job) => ({ name: job.task.name, data: job.data, opts: this.jobOptions(job) }));
    const added = await callBroker(queue.client, this.timeoutMs, `enqueue ${jobs.length} tasks`, () => queue.addBulk(bulk));
    // Bull leaves a job its transaction refused without an id, and drops the error that `add` throws.
    const refused = added.findIndex((job) => job.id === null || job.id === undefined);
    if (refused !== -1) throw new Error(`The task broker refused to enqueue task ${jobs[refused].id}`);
  }

  private jobOptions({ task, id, priority, delayMs, enqueuedAt }: NewJob): JobOptions & { timestamp: number } {
    const keep = { age: Math.ceil(this.resultTtlMs / 1000), count: KEPT_RESULTS_PER_QUEUE };
    // Bull reads `timestamp` (lib/job.js), but its typings leave it out.
    return {
      jobId: id,
      timestamp: enqueuedAt,
      delay: delayMs,
      // Bull keeps jobs without a priority out of its priority set: they stay first in, first out.
      ...(priority === undefined ? {} : { priority }),
      attempts: task.maxRetries + 1,
      backoff: { type: RETRY_BACKOFF, options: retryPolicyOf(task) },
      removeOnComplete: keep,
      removeOnFail: keep,
    };
  }

  /** The task with this id on any queue, read in one script so its state is consistent. */
  async find(id: string): Promise<StoredTask | null> {
    for (const queue of this.queues.allFailFast()) {
      const keys = [queue.toKey(id), ...BULL_STATES.map((state) => queue.toKey(STATE_KEYS[state].key))];
      const kinds = BULL_STATES.map((state) => STATE_KEYS[state].kind);
      const [fields, stateNumber, position] = (await callBroker(queue.client, this.timeoutMs, `read task ${id}`, () =>
        queue.client.eval(FIND_SCRIPT, keys.length, ...keys, id, ...kinds),
      )) as [string[], number, string | number | undefined];
      // A job in no list is not one (Bull moves jobs between lists atomically).
      if (fields.length === 0 || stateNumber === 0) continue;
      const state = BULL_STATES[stateNumber - 1];
      return toStoredTask(queue.name, id, hashOf(fields), state, state === 'delayed' ? Number(position) : null);
    }
    return null;
  }

  /**
   * The newest tasks (by creation) in a state and of a name, newest first. Reads the ids of the
   * lists and sets that can hold that state (at most {@link LIST_SCAN_LIMIT} of each) and a few
   * fields of each job, then the whole jobs of the page only. The ids are read in one transaction,
   * so no task shows twice; a task may have moved on by the time its page is read.
   */
  async list(filter: { readonly state?: TaskState; readonly name?: string }, limit: number): Promise<StoredTask[]> {
    const states = [...new Set((filter.state ? [filter.state] : TASK_STATES).flatMap(bullStatesOf))];
    const candidates: { queue: Queue; id: string; state: BullJobState; createdAt: number }[] = [];
    for (const queue of this.queues.allFailFast()) {
      const located = await this.idsIn(queue, states);
      const pipeline = queue.client.pipeline();
      located.forEach(({ id }) => pipeline.hmget(queue.toKey(id), 'name', 'timestamp', 'attemptsMade', 'revokedOn'));
      const replies = repliesOf(await callBroker(queue.client, this.timeoutMs, 'list tasks', () => pipeline.exec()));
      located.forEach(({ id, state }, index) => {
        const [name, timestamp, attemptsMade, revokedOn] = replies[index] as (string | null)[];
        // No name: the job's result expired; Bull drops its id from the set later.
        if (name === null || (filter.name !== undefined && name !== filter.name)) return;
        if (filter.state && toTaskState(state, Number(attemptsMade ?? 0), revokedOn !== null) !== filter.state) return;
        candidates.push({ queue, id, state, createdAt: Number(timestamp) });
      });
    }
    candidates.sort((a, b) => b.createdAt - a.createdAt);
    const tasks = await Promise.all(
      candidates.slice(0, limit).map(async ({ queue, id, state }) => {
        const [hash, score] = await callBroker(queue.client, this.timeoutMs, 'list tasks', () =>
          Promise.all([
            queue.client.hgetall(queue.toKey(id)),
            state === 'delayed' ? queue.client.zscore(queue.toKey('delayed'), id) : null,
          ]),
        );
        return Object.keys(hash).length === 0 ? null : toStoredTask(queue.name, id, hash, state, score === null ? null : Number(score));
      }),
    );
    return tasks.filter((task): task is StoredTask => task !== null);
  }

  /**
   * Revokes a task that has not started; with `terminate`, asks the worker that runs a running one
   * to stop it ('terminating').
   */
  async revoke(id: string, terminate = false): Promise<RevokeOutcome> {
    for (const queue of this.queues.allFailFast()) {
      const keys = [
        ...['wait', 'paused', 'delayed', 'priority', 'failed', 'completed'].map((key) => queue.toKey(key)),
        terminatingKey(queue),
      ];
      const revoke = () =>
        queue.client.eval(
          REVOKE_SCRIPT,
          keys.length + 1,
          queue.toKey(id),
          ...keys,
          id,
          Date.now(),
          this.resultTtlMs,
          REVOKED_REASON,
          terminate ? 1 : 0,
          terminateChannel(queue),
        );
      const outcome = (await callBroker(queue.client, this.timeoutMs, `revoke task ${id}`, revoke)) as RevokeOutcome;
      if (outcome !== 'missing') return outcome;
    }
    return 'missing';
  }

  /**
   * Marks a job its worker is about to fail as revoked (an expired task): once Bull has failed it,
   * its state reads REVOKED.
   */
  async markRevoked(job: Job): Promise<void> {
    await job.queue.client.hset(job.queue.toKey(String(job.id)), 'revokedOn', Date.now());
  }

  /**
   * Starts the result TTL of finished jobs, in one command: each hash expires exactly then, even
   * when no other job finishes (Bull's own age limit only prunes when a later job finishes).
   */
  async expireResults(queue: Queue, ids: readonly string[]): Promise<void> {
    const keys = ids.map((id) => queue.toKey(id));
    await queue.client.eval(EXPIRE_SCRIPT, keys.length, ...keys, this.resultTtlMs);
  }

  private async idsIn(queue: Queue, states: readonly BullJobState[]): Promise<{ id: string; state: BullJobState }[]> {
    const multi = queue.client.multi();
    for (const state of states) {
      const { key, kind } = STATE_KEYS[state];
      if (kind === 'list') multi.lrange(queue.toKey(key), 0, LIST_SCAN_LIMIT - 1);
      else multi.zrevrange(queue.toKey(key), 0, LIST_SCAN_LIMIT - 1);
    }
    const replies = repliesOf(await callBroker(queue.client, this.timeoutMs, 'list tasks', () => multi.exec()));
    return states.flatMap((state, index) => (replies[index] as string[]).map((id) => ({ id, state })));
  }
}

function retryPolicyOf(task: RegisteredTask): RetryPolicy {
  return {
    delayMs: task.retryBackoff * 1000,
    maxMs: task.retryBackoffMax * 1000,
    jitter: task.retryJitter,
    autoretryFor: task.autoretryFor,
  };
}

/** A hash from HGETALL's flat reply of fields and values. */
function hashOf(fields: string[]): JobHash {
  const hash: JobHash = {};
  for (let i = 0; i < fields.length; i += 2) hash[fields[i]] = fields[i + 1];
  return hash;
}

/** The replies of a transaction or pipeline; throws the first command error. */
function repliesOf(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/** Bull's score of a delayed job: the due moment in ms, times 4096, plus 12 bits of order. */
const DELAYED_SCORE_SHIFT = 0x1000;

function toStoredTask(queue: string, id: string, hash: JobHash, bullState: BullJobState, delayedScore: number | null): StoredTask {
  const optionalTime = (value: string | undefined) => (value ? Number(value) : null);
  return {
    id,
    name: hash.name,
    queue,
    // Bull stores 0 for a job without a priority.
    priority: Number(hash.priority ?? 0) || null,
    bullState,
    data: JSON.parse(hash.data ?? '{}') as TaskData,
    attemptsMade: Number(hash.attemptsMade ?? 0),
    progress: Number(JSON.parse(hash.progress ?? '0')) || 0,
    returnValue: hash.returnvalue === undefined ? null : JSON.parse(hash.returnvalue),
    failedReason: hash.failedReason ?? null,
    createdAt: Number(hash.timestamp),
    startedAt: optionalTime(hash.processedOn),
    finishedAt: optionalTime(hash.finishedOn),
    revoked: hash.revokedOn !== undefined,
    dueAt: delayedScore === null || Number.isNaN(delayedScore) ? null : Math.floor(delayedScore / DELAYED_SCORE_SHIFT),
  };
}
