import { TASK_STATES } from './task-state';
import { type BullJobState, bullStatesOf, type StoredTask, toTaskState, toTaskStatus } from './task-status';

const STORED: StoredTask = {
  id: '0b7f3b1e-5a0c-4c39-9d51-2a5f0e0c1a11',
  name: 'add',
  queue: 'default',
  priority: null,
  bullState: 'completed',
  data: { args: [10], kwargs: { m: 20 }, eta: '2030-05-01T02:00:10.000Z' },
  attemptsMade: 0,
  progress: 100,
  returnValue: 30,
  failedReason: null,
  createdAt: Date.parse('2030-05-01T02:00:00Z'),
  startedAt: Date.parse('2030-05-01T02:00:10Z'),
  finishedAt: Date.parse('2030-05-01T02:00:11Z'),
  revoked: false,
  dueAt: null,
};

describe('toTaskState', () => {
  it.each<[BullJobState, number, boolean, string]>([
    ['waiting', 0, false, 'PENDING'],
    ['paused', 0, false, 'PENDING'],
    ['delayed', 0, false, 'PENDING'],
    ['delayed', 1, false, 'RETRY'],
    ['waiting', 2, false, 'RETRY'],
    ['active', 0, false, 'STARTED'],
    ['active', 1, false, 'STARTED'],
    ['completed', 2, false, 'SUCCESS'],
    ['failed', 3, false, 'FAILURE'],
    ['failed', 0, true, 'REVOKED'],
  ])('maps Bull %s after %i failed runs (revoked: %s) to %s', (bullState, attemptsMade, revoked, expected) => {
    expect(toTaskState(bullState, attemptsMade, revoked)).toBe(expected);
  });

  it('knows where Bull holds each state', () => {
    for (const state of TASK_STATES) {
      for (const bullState of bullStatesOf(state)) {
        const reachable = [0, 1].some((attempts) => [false, true].some((revoked) => toTaskState(bullState, attempts, revoked) === state));
        expect(reachable).toBe(true);
      }
    }
  });
});

describe('toTaskStatus', () => {
  it('reports a success with its value and the call as made', () => {
    expect(toTaskStatus(STORED)).toEqual({
      id: STORED.id,
      name: 'add',
      state: 'SUCCESS',
      args: [10],
      kwargs: { m: 20 },
      queue: 'default',
      priority: null,
      expires: null,
      result: 30,
      error: null,
      retries: 0,
      progress: 100,
      eta: '2030-05-01T02:00:10.000Z',
      retryAt: null,
      createdAt: '2030-05-01T02:00:00.000Z',
      startedAt: '2030-05-01T02:00:10.000Z',
      finishedAt: '2030-05-01T02:00:11.000Z',
      workflowId: null,
      parentId: null,
    });
  });

  it('leads a workflow step back to its workflow and the task that enqueued it', () => {
    const lineage = { workflowId: '6f1d2c3b-0a9e-4c8d-b7f6-5e4d3c2b1a09', parentId: STORED.id, node: '0.1' };

    const sut = toTaskStatus({ ...STORED, data: { ...STORED.data, lineage } });

    expect(sut).toMatchObject({ workflowId: lineage.workflowId, parentId: STORED.id });
  });

  it('shows the queue, the priority and the expiry', () => {
    const sut = toTaskStatus({ ...STORED, queue: 'banner', priority: 1, data: { ...STORED.data, expires: '2030-05-01T03:00:00.000Z' } });

    expect(sut).toMatchObject({ queue: 'banner', priority: 1, expires: '2030-05-01T03:00:00.000Z' });
  });

  it('shows when the next run is due in RETRY only', () => {
    const due = Date.parse('2030-05-01T02:00:15Z');

    expect(toTaskStatus({ ...STORED, bullState: 'delayed', attemptsMade: 1, dueAt: due }).retryAt).toBe('2030-05-01T02:00:15.000Z');
    expect(toTaskStatus({ ...STORED, bullState: 'delayed', attemptsMade: 0, dueAt: due }).retryAt).toBeNull();
  });

  it('reports the last error while waiting for a retry', () => {
    const sut = toTaskStatus({ ...STORED, bullState: 'delayed', attemptsMade: 1, failedReason: 'boom', finishedAt: null });

    expect(sut).toMatchObject({ state: 'RETRY', error: 'boom', retries: 1, result: null });
  });

  it('counts the runs after the first as retries when the task failed for good', () => {
    const sut = toTaskStatus({ ...STORED, bullState: 'failed', attemptsMade: 3, failedReason: 'boom' });

    expect(sut).toMatchObject({ state: 'FAILURE', error: 'boom', retries: 2, result: null });
  });

  it('reports a revoked task without an error', () => {
    const sut = toTaskStatus({ ...STORED, bullState: 'failed', revoked: true, failedReason: 'Revoked', startedAt: null });

    expect(sut).toMatchObject({ state: 'REVOKED', error: null, result: null, startedAt: null });
  });

  it('reports a task that expired before it started as REVOKED with the error "expired", its failed run no retry', () => {
    const sut = toTaskStatus({ ...STORED, bullState: 'failed', revoked: true, failedReason: 'expired', attemptsMade: 1 });

    expect(sut).toMatchObject({ state: 'REVOKED', error: 'expired', retries: 0, result: null });
  });

  it('reports a task terminated while it ran as REVOKED with the error "terminated", its stopped run no retry', () => {
    const sut = toTaskStatus({ ...STORED, bullState: 'failed', revoked: true, failedReason: 'terminated', attemptsMade: 2 });

    expect(sut).toMatchObject({ state: 'REVOKED', error: 'terminated', retries: 1, result: null });
  });
});
