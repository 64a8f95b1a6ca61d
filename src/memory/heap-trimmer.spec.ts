import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { HeapTrimmer } from './heap-trimmer';
import * as collections from './last-resort-collection';
import { UpcomingWork } from './upcoming-work';
import { WorkInFlight } from './work-in-flight';

describe('HeapTrimmer on a fake clock, its event loop always quiet', () => {
  let trimmedAt: string[];
  let work: WorkInFlight;
  let upcoming: UpcomingWork;
  let sut: HeapTrimmer;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(new Date('2026-12-02T09:00:00.000Z'));
    // Each check reads a second of an idle event loop.
    jest.spyOn(performance, 'eventLoopUtilization').mockReturnValue({ idle: 1_000, active: 0, utilization: 0 });
    trimmedAt = [];
    jest.spyOn(collections, 'lastResortCollection').mockReturnValue(() => trimmedAt.push(new Date().toISOString()));
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    work = new WorkInFlight();
    upcoming = new UpcomingWork();
    sut = new HeapTrimmer({ memoryTrimIdleMs: 2_000 } as AppConfig, work, upcoming);
    sut.onApplicationBootstrap();
  });

  afterEach(() => {
    sut.onApplicationShutdown();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  /** The moments of the trims' first collections (a trim runs one or two). */
  const trims = () => [...new Set(trimmedAt)];
  /** The beat's next claim, at `time` past 09:00. */
  const claimAt = (time: string) => upcoming.expect('beat:a', Date.parse(`2026-12-02T09:00:${time}Z`));

  it('trims at the check that finds it idle long enough, when no work is expected', async () => {
    await jest.advanceTimersByTimeAsync(2_000);

    expect(trims()).toEqual(['2026-12-02T09:00:02.000Z']);
  });

  it('trims at once when the next expected work is at least the clearance away', async () => {
    claimAt('02.500');
    await jest.advanceTimersByTimeAsync(2_000);

    expect(trims()).toEqual(['2026-12-02T09:00:02.000Z']);
  });

  it('puts a trim due just before expected work off until just after it', async () => {
    claimAt('02.300');
    await jest.advanceTimersByTimeAsync(2_300);
    expect(trims()).toEqual([]);

    // The beat claimed its tick and armed the next one, a second on.
    claimAt('03.300');
    await jest.advanceTimersByTimeAsync(100);
    expect(trims()).toEqual(['2026-12-02T09:00:02.400Z']);
  });

  it('leaves a put-off trim to the next checks when work is under way at its moment', async () => {
    claimAt('02.300');
    await jest.advanceTimersByTimeAsync(2_300);
    // The work's moment has passed and it has not armed its next one yet: still under way.
    await jest.advanceTimersByTimeAsync(100);
    expect(trims()).toEqual([]);

    claimAt('04.300');
    await jest.advanceTimersByTimeAsync(600);
    expect(trims()).toEqual(['2026-12-02T09:00:03.000Z']);
  });

  it('leaves a put-off trim to the next checks when a task is in flight at its moment', async () => {
    claimAt('02.300');
    await jest.advanceTimersByTimeAsync(2_300);
    claimAt('03.300');
    work.begin();
    await jest.advanceTimersByTimeAsync(100);
    expect(trims()).toEqual([]);

    work.end();
    claimAt('04.300');
    await jest.advanceTimersByTimeAsync(600);
    expect(trims()).toEqual(['2026-12-02T09:00:03.000Z']);
  });
});
