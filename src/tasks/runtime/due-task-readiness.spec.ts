import { WorkInFlight } from '../../memory/work-in-flight';
import { DueTaskReadiness, READY_AHEAD_MS } from './due-task-readiness';

describe('DueTaskReadiness', () => {
  let work: WorkInFlight;
  let sut: DueTaskReadiness;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    work = new WorkInFlight();
    sut = new DueTaskReadiness(work);
  });

  afterEach(() => {
    sut.stop();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('counts as work from READY_AHEAD_MS before the next delayed task is due until it is', () => {
    sut.comesDueAt('default', Date.now() + 5_000);

    jest.advanceTimersByTime(5_000 - READY_AHEAD_MS - 1);
    expect(work.any).toBe(false);
    jest.advanceTimersByTime(1);
    expect(work.any).toBe(true);
    jest.advanceTimersByTime(READY_AHEAD_MS - 1);
    expect(work.any).toBe(true);
    jest.advanceTimersByTime(1);
    expect(work.any).toBe(false);
  });

  it('gets ready at once for a task due sooner than READY_AHEAD_MS', () => {
    sut.comesDueAt('default', Date.now() + READY_AHEAD_MS / 2);

    jest.advanceTimersByTime(1);
    expect(work.any).toBe(true);
  });

  it('readies for a task due sooner than READY_AHEAD_MS without asking for a negative delay, which Node warns of', () => {
    const timers = jest.spyOn(global, 'setTimeout');

    sut.comesDueAt('default', Date.now() + READY_AHEAD_MS / 2);
    jest.advanceTimersByTime(READY_AHEAD_MS);

    expect(timers.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(timers.mock.calls.map(([, delay]) => delay).filter((delay) => delay === undefined || delay < 0)).toEqual([]);
  });

  it('readies for the earliest task of any queue, then for the next one still ahead', () => {
    const start = Date.now();
    sut.comesDueAt('default', start + 10_000);
    sut.comesDueAt('priority', start + 4_000);

    jest.advanceTimersByTime(4_000 - READY_AHEAD_MS);
    expect(work.any).toBe(true);
    jest.advanceTimersByTime(READY_AHEAD_MS);
    expect(work.any).toBe(false);
    jest.advanceTimersByTime(10_000 - READY_AHEAD_MS - 4_000);
    expect(work.any).toBe(true);
  });

  it('ignores a due time already past, and a stopped worker readies for nothing, ending the spell under way', () => {
    sut.comesDueAt('default', Date.now() - 1);
    jest.advanceTimersByTime(1);
    expect(work.any).toBe(false);

    sut.comesDueAt('default', Date.now() + READY_AHEAD_MS);
    jest.advanceTimersByTime(1);
    expect(work.any).toBe(true);
    sut.stop();
    expect(work.any).toBe(false);
    sut.comesDueAt('default', Date.now() + READY_AHEAD_MS);
    jest.advanceTimersByTime(READY_AHEAD_MS);
    expect(work.any).toBe(false);
  });
});
