import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { UpcomingWork } from '../memory/upcoming-work';
import type { MetricsService } from '../metrics/metrics.service';
import type { TasksService } from '../tasks/tasks.service';
import type { BeatCatalog } from './beat-catalog';
import { parseBeatEntry } from './beat-entry';
import type { BeatStore } from './beat-store';
import { BeatScheduler } from './beat.scheduler';

const DAY_MS = 86_400_000;

/**
 * The scheduler on a fake clock; the store claims every tick, so each one is enqueued, by
 * `applyAsync` when given.
 */
function schedulerFor(spec: object, timeZone: string, applyAsync = async () => ({ id: 'id' })) {
  const entry = parseBeatEntry('daily', spec, timeZone);
  const ticks: string[] = [];
  const claimedAt: string[] = [];
  const store = {
    claimTick: async (_entry: string, tick: Date) => {
      claimedAt.push(new Date().toISOString());
      return ticks.push(tick.toISOString()) > 0;
    },
    recordEnqueued: async () => undefined,
  };
  const tasks = { applyAsync };
  const catalog = { all: () => [entry], lastTask: async () => null };
  const metrics = { beatTick: () => undefined };
  const upcoming = new UpcomingWork();
  const sut = new BeatScheduler(
    catalog as unknown as BeatCatalog,
    tasks as unknown as TasksService,
    store as unknown as BeatStore,
    new SchedulerRegistry(),
    metrics as unknown as MetricsService,
    upcoming,
  );
  return { sut, ticks, claimedAt, upcoming };
}

/** An `applyAsync` that notes the clock's time at each enqueue. */
function timedEnqueues() {
  const enqueuedAt: string[] = [];
  const applyAsync = async () => {
    enqueuedAt.push(new Date().toISOString());
    return { id: 'id' };
  };
  return { enqueuedAt, applyAsync };
}

describe('BeatScheduler on a fake clock', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('fires a daily entry once on the day the clocks go forward, at the next valid minute', async () => {
    jest.setSystemTime(new Date('2026-03-27T12:00:00Z'));
    const { sut, ticks } = schedulerFor({ task: 'add', cron: '30 2 * * *' }, 'Europe/Berlin');

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(4 * DAY_MS);

    expect(ticks).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    await sut.beforeApplicationShutdown();
  });

  it('fires a daily entry once on the day the clocks go back, though its time happens twice', async () => {
    jest.setSystemTime(new Date('2026-10-24T12:00:00Z'));
    const { sut, ticks } = schedulerFor({ task: 'add', cron: '30 2 * * *' }, 'Europe/Berlin');

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(3 * DAY_MS);

    expect(ticks).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
    await sut.beforeApplicationShutdown();
  });

  it('fires an interval entry on the clock-aligned ticks, whenever it started', async () => {
    jest.setSystemTime(new Date('2026-11-27T10:00:03.700Z'));
    const { sut, ticks } = schedulerFor({ task: 'add', every: '10s' }, 'Asia/Shanghai');

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(30_000);

    expect(ticks).toEqual(['2026-11-27T10:00:10.000Z', '2026-11-27T10:00:20.000Z', '2026-11-27T10:00:30.000Z']);
    await sut.beforeApplicationShutdown();
  });

  it('claims each tick 20 ms ahead of it and enqueues it at the tick', async () => {
    jest.setSystemTime(new Date('2026-11-27T10:00:03.700Z'));
    const { enqueuedAt, applyAsync } = timedEnqueues();
    const { sut, claimedAt } = schedulerFor({ task: 'add', every: '10s' }, 'Asia/Shanghai', applyAsync);

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(20_000);

    expect(claimedAt).toEqual(['2026-11-27T10:00:09.980Z', '2026-11-27T10:00:19.980Z']);
    expect(enqueuedAt).toEqual(['2026-11-27T10:00:10.000Z', '2026-11-27T10:00:20.000Z']);
    await sut.beforeApplicationShutdown();
  });

  it('tells the heap trim when it will next claim a tick, from start-up and after each tick', async () => {
    jest.setSystemTime(new Date('2026-11-27T10:00:03.700Z'));
    const { sut, upcoming } = schedulerFor({ task: 'add', every: '10s' }, 'Asia/Shanghai');
    const nextClaim = () => new Date(upcoming.next()!).toISOString();

    sut.onApplicationBootstrap();
    expect(nextClaim()).toBe('2026-11-27T10:00:09.980Z');
    await jest.advanceTimersByTimeAsync(6_290);
    expect(nextClaim()).toBe('2026-11-27T10:00:09.980Z');
    await jest.advanceTimersByTimeAsync(20);
    expect(nextClaim()).toBe('2026-11-27T10:00:19.980Z');
    await sut.beforeApplicationShutdown();
  });

  it('enqueues a claimed tick when its wait has passed, though the wall clock was set back meanwhile', async () => {
    jest.setSystemTime(new Date('2026-11-27T10:00:03.700Z'));
    const { enqueuedAt, applyAsync } = timedEnqueues();
    const { sut, claimedAt } = schedulerFor({ task: 'add', every: '10s' }, 'Asia/Shanghai', applyAsync);
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(6_280);
    expect(claimedAt).toEqual(['2026-11-27T10:00:09.980Z']);

    // An NTP step of an hour back, with the tick claimed and 20 ms to go.
    jest.setSystemTime(new Date('2026-11-27T09:00:09.980Z'));
    await jest.advanceTimersByTimeAsync(22);

    expect(enqueuedAt).toEqual(['2026-11-27T09:00:10.002Z']);
    await sut.beforeApplicationShutdown();
  });

  it('arms nothing more once shutdown has begun', async () => {
    jest.setSystemTime(new Date('2026-11-27T10:00:00Z'));
    const { sut, ticks } = schedulerFor({ task: 'add', every: '10s' }, 'Asia/Shanghai');

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(10_000);
    await sut.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(60_000);

    expect(ticks).toEqual(['2026-11-27T10:00:10.000Z']);
  });

  it('on shutdown, waits for a tick it has claimed to be enqueued: no other beat can claim it', async () => {
    jest.setSystemTime(new Date('2026-11-27T10:00:00Z'));
    let releaseBroker!: () => void;
    const brokerAnswers = new Promise<void>((resolve) => (releaseBroker = resolve));
    const enqueued: string[] = [];
    const { sut } = schedulerFor({ task: 'add', every: '10s' }, 'Asia/Shanghai', async () => {
      await brokerAnswers;
      enqueued.push(new Date().toISOString());
      return { id: 'id' };
    });
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(10_000);

    let stopped = false;
    const stopping = (async () => {
      await sut.beforeApplicationShutdown();
      stopped = true;
    })();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false);

    releaseBroker();
    await stopping;
    expect(enqueued).toEqual(['2026-11-27T10:00:11.000Z']);
  });
});
