import { type Beater, beatIntervalMs, type HeartbeatReport, HeartbeatLoop } from './heartbeat.loop';
import type { BeatOutcome, HeartbeatTarget } from './heartbeat.store';

const INTERVAL_MS = 1_000;
const TARGETS: HeartbeatTarget[] = [
  { queue: 'default', keyPrefix: 'bull:default:', token: 'a' },
  { queue: 'low', keyPrefix: 'bull:low:', token: 'b' },
];
const NOTHING: BeatOutcome = { lapsed: false, requeued: [], failing: [] };

/** A beater that answers from a script of outcomes (or errors), recording each call. */
function beater(next: (target: HeartbeatTarget, call: number) => BeatOutcome | Error) {
  const calls: { queue: string; reap: boolean }[] = [];
  const forgotten: string[] = [];
  const fake: Beater = {
    beat: async (target, reap) => {
      calls.push({ queue: target.queue, reap });
      const outcome = next(target, calls.length);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    forget: async (target) => void forgotten.push(target.queue),
  };
  return { fake, calls, forgotten };
}

describe('HeartbeatLoop', () => {
  let reports: HeartbeatReport[];

  beforeEach(() => {
    jest.useFakeTimers();
    reports = [];
  });

  afterEach(() => jest.useRealTimers());

  const loopOver = (fake: Beater) => new HeartbeatLoop(TARGETS, fake, INTERVAL_MS, (report) => reports.push(report));

  it('beats three times per TTL', () => {
    expect(beatIntervalMs(3_000)).toBe(1_000);
  });

  it('beats for every queue at once, then every interval, reaping until retired', async () => {
    const { fake, calls } = beater(() => NOTHING);
    const sut = loopOver(fake);

    void sut.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([
      { queue: 'default', reap: true },
      { queue: 'low', reap: true },
    ]);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(calls).toHaveLength(4);
    sut.retire();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);

    expect(calls.slice(4)).toEqual([
      { queue: 'default', reap: false },
      { queue: 'low', reap: false },
    ]);
    await sut.stop();
  });

  it('reports the jobs it returned, by queue, and nothing when there were none', async () => {
    const { fake } = beater((target) => (target.queue === 'low' ? { lapsed: false, requeued: ['7'], failing: ['8'] } : NOTHING));
    const sut = loopOver(fake);

    void sut.start();
    await jest.advanceTimersByTimeAsync(0);

    expect(reports).toEqual([{ kind: 'recovered', queue: 'low', requeued: ['7'], failing: ['8'] }]);
    await sut.stop();
  });

  it('reports a lapse of its own heartbeat, but not the first beat, which always finds none', async () => {
    const { fake } = beater(() => ({ ...NOTHING, lapsed: true }));
    const sut = new HeartbeatLoop(TARGETS.slice(0, 1), fake, INTERVAL_MS, (report) => reports.push(report));

    void sut.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(reports).toEqual([]);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);

    expect(reports).toEqual([{ kind: 'lapsed', queue: 'default' }]);
    await sut.stop();
  });

  it('reports a failing Redis once per outage, goes on beating, and reports when it answers again', async () => {
    const { fake, calls } = beater((_, call) => (call === 3 || call === 4 ? new Error('Connection is closed.') : NOTHING));
    const sut = loopOver(fake);

    void sut.start();
    await jest.advanceTimersByTimeAsync(3 * INTERVAL_MS);

    expect(reports).toEqual([{ kind: 'failed', error: 'Connection is closed.' }, { kind: 'restored' }]);
    expect(calls).toHaveLength(6);
    await sut.stop();
  });

  it('on stop, waits for the beat under way, beats no more and ends every heartbeat', async () => {
    let answer: (outcome: BeatOutcome) => void = () => undefined;
    const calls: string[] = [];
    const forgotten: string[] = [];
    const fake: Beater = {
      beat: (target) => {
        calls.push(target.queue);
        return new Promise((resolve) => (answer = resolve));
      },
      forget: async (target) => void forgotten.push(target.queue),
    };
    const sut = loopOver(fake);
    void sut.start();

    const stopped = sut.stop();
    await jest.advanceTimersByTimeAsync(0);
    expect(forgotten).toEqual([]);
    answer(NOTHING);
    await jest.advanceTimersByTimeAsync(0);
    answer(NOTHING);
    await stopped;
    await jest.advanceTimersByTimeAsync(5 * INTERVAL_MS);

    expect(calls).toEqual(['default', 'low']);
    expect(forgotten).toEqual(['default', 'low']);
  });

  it('on pause, beats no more but leaves the heartbeat; started again, beats at once', async () => {
    const { fake, calls, forgotten } = beater(() => NOTHING);
    const sut = loopOver(fake);
    await sut.start();

    await sut.pause();
    await jest.advanceTimersByTimeAsync(5 * INTERVAL_MS);
    expect(calls).toHaveLength(2);
    await sut.start();

    expect(calls).toHaveLength(4);
    expect(forgotten).toEqual([]);
    await sut.stop();
  });

  it('beats at once on request, for every queue and without reaping, beside its own beats', async () => {
    const { fake, calls } = beater(() => NOTHING);
    const sut = loopOver(fake);
    await sut.start();

    sut.beatAtOnce();

    expect(calls.slice(2)).toEqual([
      { queue: 'default', reap: false },
      { queue: 'low', reap: false },
    ]);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(calls).toHaveLength(6);
    await sut.stop();
  });

  it('hands its state to the loop that beats next: a lapse on its first beat is reported, and a retired loop’s successor does not reap', async () => {
    const { fake } = beater(() => NOTHING);
    const before = loopOver(fake);
    await before.start();
    before.retire();
    await before.pause();
    const lapsing = beater(() => ({ ...NOTHING, lapsed: true }));
    const sut = new HeartbeatLoop(TARGETS, lapsing.fake, INTERVAL_MS, (report) => reports.push(report), before.state);

    await sut.start();

    expect(reports).toEqual([
      { kind: 'lapsed', queue: 'default' },
      { kind: 'lapsed', queue: 'low' },
    ]);
    expect(lapsing.calls.every((call) => !call.reap)).toBe(true);
    await sut.stop();
  });
});
