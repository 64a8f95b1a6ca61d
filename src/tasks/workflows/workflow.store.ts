import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { callBroker } from '../runtime/broker-call';
import { GroupCommit } from '../runtime/group-commit';
import { QUEUES, TaskQueues } from '../runtime/queues';
import type { WorkflowKind, WorkflowState } from '../task-workflows';

/** The terminal states a workflow can be given; the first one given stays. */
export type FinalState = Extract<WorkflowState, 'SUCCESS' | 'FAILURE' | 'REVOKED'>;

/** A workflow as stored: what it is, and how it ended once it has. */
export interface StoredWorkflow {
  readonly kind: WorkflowKind;
  /** The compiled plan, as JSON. */
  readonly plan: string;
  readonly createdAt: number;
  readonly state: FinalState | null;
  readonly result: unknown;
  readonly error: string | null;
  readonly finishedAt: number | null;
}

/**
 * Counts finished members of a group once each and stores their results, atomically; once every
 * member is counted, answers their results in order, until then how many are counted. A member
 * reported again (a replayed completion, a task run twice) is in the set already: it adds nothing
 * and its first result stays.
 * Every call made after the last member is counted answers the results again, so the caller who
 * was killed before acting on them is replaced by the next report or by the workflow's recovery;
 * what it does with them (enqueue the chord body under its derived id) is itself idempotent.
 * Nothing is written once the workflow has expired.
 *
 * Each call also moves the workflow's next recovery check (see WorkflowStore.claimDue) later: a
 * workflow whose members report needs none.
 *
 * KEYS: workflow hash, members set, results hash, recovery set. ARGV: group size, ttl ms, results
 * field prefix, workflow id, next recovery check (ms since the epoch), then a member index and its
 * result JSON for each member counted.
 */
const COUNT_MEMBERS_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
for i = 6, #ARGV, 2 do
  redis.call('SADD', KEYS[2], ARGV[i])
  redis.call('HSETNX', KEYS[3], ARGV[3] .. ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[4], 'XX', ARGV[5], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[2])
local size = tonumber(ARGV[1])
local counted = redis.call('SCARD', KEYS[2])
if counted < size then return counted end
local results = {}
local chunk = {}
for i = 0, size - 1 do
  chunk[#chunk + 1] = ARGV[3] .. i
  if #chunk == 1000 or i == size - 1 then
    for _, value in ipairs(redis.call('HMGET', KEYS[3], unpack(chunk))) do results[#results + 1] = value end
    chunk = {}
  end
end
return results
`;

/**
 * Gives a workflow its final state unless it has one: the first of SUCCESS, FAILURE and REVOKED
 * stays, and a finished workflow needs no recovery. Answers the state it has afterwards, or false
 * when the workflow has expired.
 *
 * KEYS: workflow hash, recovery set. ARGV: state, field (result or error), its value, now, ttl ms,
 * workflow id.
 */
const FINISH_SCRIPT = `
redis.call('ZREM', KEYS[2], ARGV[6])
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if redis.call('HSETNX', KEYS[1], 'state', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3], 'finishedAt', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return redis.call('HGET', KEYS[1], 'state')
`;

/**
 * Takes the workflows whose recovery check is due, and moves each one's next check later, so
 * that of the workers asking together one gets each.
 *
 * KEYS: recovery set. ARGV: now, next check, most workflows to take.
 */
const CLAIM_DUE_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids
`;

const RESULT_FIELD_SEPARATOR = '#';
/** A workflow hash field per group whose continuation has been enqueued (see markContinued). */
const CONTINUED_FIELD_PREFIX = 'continued:';

/**
 * How long after its last report (or its start) a workflow with a group is checked for members
 * that finished with no report counted: a worker killed between a member's end and its report.
 */
export const RECOVERY_DELAY_MS = 5_000;
/**
 * How long a group member's count waits for those of the members finishing after it, to go in one
 * call: its task's job does not wait for it (see WorkflowsService). The counts that complete the
 * group as far as this process knows go at once, so that only a group whose last members finish in
 * several workers waits for it at its end.
 */
const COUNT_GATHER_MS = 10;
/** Groups whose uncounted members a process keeps track of; those another worker completed are never answered here. */
const TRACKED_GROUPS = 1_000;
/** The longest wait between two checks of a workflow that is still running. */
const RECOVERY_MAX_DELAY_MS = 60_000;

/** A finished member of a group, reported to {@link WorkflowStore.countMember}. */
interface MemberReport {
  readonly workflowId: string;
  readonly groupPath: string;
  readonly size: number;
  readonly index: number;
  readonly result: unknown;
}

/**
 * Workflows in the broker Redis, beside the jobs and under the same prefix and queue name
 * (`<QUEUE_PREFIX>:default:workflow:<id>…`): in a Redis Cluster the prefix is a hash tag, so every
 * key of a workflow is in the slot of its queue and one script may touch them all. Every key gets
 * TASK_RESULT_TTL, renewed on each write: a workflow expires that long after it last changed.
 *
 * Workflows with a group are also in one sorted set, `…:workflow:recovery`, scored by when a
 * worker should next check them for members whose report was lost (see WorkflowsService.recoverDue),
 * until they finish.
 */
@Injectable()
export class WorkflowStore {
  private readonly queue: Queue;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  /** Reports of one group's members, counted together (see countMember). */
  private readonly memberCounts = new GroupCommit<string, MemberReport, unknown[] | null>(
    (group, reports) => this.countMembers(group, reports),
    { ms: COUNT_GATHER_MS, isWhole: (group, waiting) => waiting >= (this.uncounted.get(group) ?? Infinity) },
  );
  /** Per group, its members not counted as of its last call from this process (its size before), oldest first. */
  private readonly uncounted = new Map<string, number>();

  constructor(queues: TaskQueues, config: AppConfig) {
    this.queue = queues.failFast(QUEUES.default);
    this.ttlMs = config.queue.resultTtlMs;
    this.timeoutMs = config.queue.timeoutMs;
  }

  /** The pattern every key of every workflow matches (for operators and tests). */
  keyPattern(): string {
    return this.queue.toKey('workflow:*');
  }

  /** @param recoverable whether workers check it for lost reports (it has a group) until it finishes. */
  async create(id: string, kind: WorkflowKind, plan: string, createdAt: number, recoverable: boolean): Promise<void> {
    const key = this.key(id);
    const transaction = this.queue.client.multi().hset(key, 'kind', kind, 'plan', plan, 'createdAt', createdAt).pexpire(key, this.ttlMs);
    if (recoverable) transaction.zadd(this.recoveryKey(), createdAt + RECOVERY_DELAY_MS, id).pexpire(this.recoveryKey(), this.ttlMs);
    await this.call(`store workflow ${id}`, () => transaction.exec());
  }

  /**
   * Takes up to `limit` workflows whose recovery check is due, for this caller alone: no other
   * takes them for {@link RECOVERY_DELAY_MS}.
   */
  async claimDue(limit: number): Promise<string[]> {
    const now = Date.now();
    return (await this.call('claim workflows to recover', () =>
      this.queue.client.eval(CLAIM_DUE_SCRIPT, 1, this.recoveryKey(), now, now + RECOVERY_DELAY_MS, limit),
    )) as string[];
  }

  /**
   * Schedules the workflow's next check, if it is still to be checked: a quarter of its age from
   * now, between {@link RECOVERY_DELAY_MS} and {@link RECOVERY_MAX_DELAY_MS}, so that the long
   * workflows, whose groups take longest to read, are read least often.
   */
  async checkLater(id: string, createdAt: number): Promise<void> {
    const now = Date.now();
    const at = now + Math.min(RECOVERY_MAX_DELAY_MS, Math.max(RECOVERY_DELAY_MS, (now - createdAt) / 4));
    await this.call(`schedule the recovery of workflow ${id}`, () => this.queue.client.zadd(this.recoveryKey(), 'XX', at, id));
  }

  /** Drops a workflow that needs no more checks (expired, or finished before this was known). */
  async forget(id: string): Promise<void> {
    await this.call(`drop workflow ${id} from recovery`, () => this.queue.client.zrem(this.recoveryKey(), id));
  }

  /** Records that what follows the group, once every member was counted, has been enqueued. */
  async markContinued(workflowId: string, groupPath: string): Promise<void> {
    await this.call(`mark group ${groupPath} of workflow ${workflowId}`, () =>
      this.queue.client.hset(this.key(workflowId), `${CONTINUED_FIELD_PREFIX}${groupPath}`, 1),
    );
  }

  /** Whether {@link markContinued} was called for the group. */
  async continued(workflowId: string, groupPath: string): Promise<boolean> {
    const marked = await this.call(`read workflow ${workflowId}`, () =>
      this.queue.client.hexists(this.key(workflowId), `${CONTINUED_FIELD_PREFIX}${groupPath}`),
    );
    return marked === 1;
  }

  /** The indexes of the group's members counted so far. */
  async counted(workflowId: string, groupPath: string): Promise<Set<number>> {
    const members = await this.call(`read members of workflow ${workflowId}`, () =>
      this.queue.client.smembers(`${this.key(workflowId)}:done:${groupPath}`),
    );
    return new Set(members.map(Number));
  }

  async read(id: string): Promise<StoredWorkflow | null> {
    const fields = ['kind', 'plan', 'createdAt', 'state', 'result', 'error', 'finishedAt'] as const;
    const values = await this.call(`read workflow ${id}`, () => this.queue.client.hmget(this.key(id), ...fields));
    const [kind, plan, createdAt, state, result, error, finishedAt] = values;
    if (kind === null || plan === null) return null;
    return {
      kind: kind as WorkflowKind,
      plan,
      createdAt: Number(createdAt),
      state: state as FinalState | null,
      result: result === null ? null : JSON.parse(result),
      error: error || null,
      finishedAt: finishedAt === null ? null : Number(finishedAt),
    };
  }

  /** The plan alone, or null once expired. */
  async plan(id: string): Promise<string | null> {
    return this.call(`read workflow ${id}`, () => this.queue.client.hget(this.key(id), 'plan'));
  }

  async state(id: string): Promise<FinalState | null> {
    return (await this.call(`read workflow ${id}`, () => this.queue.client.hget(this.key(id), 'state'))) as FinalState | null;
  }

  /**
   * Counts a finished member of the group at `groupPath` (see COUNT_MEMBERS_SCRIPT). The reports of
   * a group's members made in this process within {@link COUNT_GATHER_MS}, or while a call for that
   * group is in flight, go together in one call: one round trip for many members; as many reports
   * as the group's last call left members uncounted go at once. When the call counted the last
   * member, or came after it, one of its callers gets the results and the others null.
   * @returns every member's result in order once all are counted (to one caller per call), else null.
   */
  countMember(workflowId: string, groupPath: string, index: number, size: number, result: unknown): Promise<unknown[] | null> {
    const group = `${workflowId} ${groupPath}`;
    if (!this.uncounted.has(group)) this.trackUncounted(group, size);
    return this.memberCounts.submit(group, { workflowId, groupPath, size, index, result });
  }

  /** Counts reports of one group's members in one script call; the results, if any, go to the first. */
  private async countMembers(group: string, reports: readonly MemberReport[]): Promise<(unknown[] | null)[]> {
    const { workflowId, groupPath, size } = reports[0];
    const base = this.key(workflowId);
    const keys = [base, `${base}:done:${groupPath}`, `${base}:results`, this.recoveryKey()];
    const prefix = `${groupPath}${RESULT_FIELD_SEPARATOR}`;
    const members = reports.flatMap(({ index, result }) => [index, JSON.stringify(result ?? null)]);
    const checkAt = Date.now() + RECOVERY_DELAY_MS;
    const reply = (await this.call(`count members of workflow ${workflowId}`, () =>
      this.queue.client.eval(COUNT_MEMBERS_SCRIPT, keys.length, ...keys, size, this.ttlMs, prefix, workflowId, checkAt, ...members),
    )) as (string | null)[] | number | null;
    const answers: (unknown[] | null)[] = reports.map(() => null);
    if (typeof reply === 'number') {
      this.trackUncounted(group, size - reply);
      return answers;
    }
    this.uncounted.delete(group);
    if (reply) answers[0] = reply.map((value) => (value === null ? null : (JSON.parse(value) as unknown)));
    return answers;
  }

  /** Notes how many members of the group are uncounted, forgetting the oldest group beyond {@link TRACKED_GROUPS}. */
  private trackUncounted(group: string, members: number): void {
    this.uncounted.delete(group);
    this.uncounted.set(group, members);
    if (this.uncounted.size > TRACKED_GROUPS) this.uncounted.delete(this.uncounted.keys().next().value!);
  }

  /**
   * Gives the workflow its final state (see FINISH_SCRIPT) with its result or error.
   * @returns the state it has afterwards (another one if it had one), or null once expired.
   */
  async finish(id: string, state: FinalState, outcome: { result?: unknown; error?: string }): Promise<FinalState | null> {
    const [field, value] = state === 'SUCCESS' ? ['result', JSON.stringify(outcome.result ?? null)] : ['error', outcome.error ?? ''];
    return (await this.call(`finish workflow ${id}`, () =>
      this.queue.client.eval(FINISH_SCRIPT, 2, this.key(id), this.recoveryKey(), state, field, value, Date.now(), this.ttlMs, id),
    )) as FinalState | null;
  }

  private key(id: string): string {
    return this.queue.toKey(`workflow:${id}`);
  }

  private recoveryKey(): string {
    return this.queue.toKey('workflow:recovery');
  }

  private call<T>(what: string, command: () => Promise<T>): Promise<T> {
    return callBroker(this.queue.client, this.timeoutMs, what, command);
  }
}
