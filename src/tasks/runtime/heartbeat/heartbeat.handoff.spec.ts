import { type BeatingThread, HeartbeatHandoff, type MainThreadBeat } from './heartbeat.handoff';
import type { HeartbeatLoopState } from './heartbeat.loop';

const IDLE_MS = 5_000;
const STATE: HeartbeatLoopState = { reaping: true, beaten: ['default'] };

/** A promise and what settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe('HeartbeatHandoff', () => {
  /** Every call to either side, in order: `main.start`, `thread1.leave`… */
  let calls: string[];
  let threads: { state: HeartbeatLoopState; beats: () => void; exits: () => void }[];
  /** Settles the main loop's next start (its first beat); none pending answers at once. */
  let mainFirstBeat: { promise: Promise<void>; resolve: () => void } | undefined;

  const main: MainThreadBeat = {
    get state() {
      return STATE;
    },
    start: () => {
      calls.push('main.start');
      return mainFirstBeat?.promise ?? Promise.resolve();
    },
    pause: async () => void calls.push('main.pause'),
    stop: async () => void calls.push('main.stop'),
    retire: () => void calls.push('main.retire'),
    beatAtOnce: () => void calls.push('main.beatAtOnce'),
  };

  function startThread(state: HeartbeatLoopState): BeatingThread {
    const name = `thread${threads.length + 1}`;
    const beating = deferred();
    const exited = deferred();
    threads.push({ state, beats: beating.resolve, exits: exited.resolve });
    calls.push(`${name}.start`);
    return {
      beating: beating.promise,
      exited: exited.promise,
      retire: () => void calls.push(`${name}.retire`),
      // It exits later, when the test says so.
      leave: () => void calls.push(`${name}.leave`),
      stop: async () => {
        calls.push(`${name}.stop`);
        exited.resolve();
      },
    };
  }

  /** A handoff whose main loop beats and whose first task has its thread beating. */
  async function threadBeating(sut: HeartbeatHandoff): Promise<void> {
    await sut.start();
    sut.workBegan();
    threads[0].beats();
    await jest.advanceTimersByTimeAsync(0);
    calls = [];
  }

  beforeEach(() => {
    jest.useFakeTimers();
    calls = [];
    threads = [];
    mainFirstBeat = undefined;
  });

  afterEach(() => jest.useRealTimers());

  it('beats from the main thread until a task begins, with no thread', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);

    await sut.start();
    await jest.advanceTimersByTimeAsync(10 * IDLE_MS);

    expect(calls).toEqual(['main.start']);
  });

  it('when a task begins, beats at once, starts the thread from the main loop’s state, and pauses the main loop only once the thread beats', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);
    await sut.start();

    sut.workBegan();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['main.start', 'main.beatAtOnce', 'thread1.start']);
    expect(threads[0].state).toBe(STATE);
    threads[0].beats();
    await jest.advanceTimersByTimeAsync(0);

    expect(calls.slice(3)).toEqual(['main.pause']);
  });

  it('once idle for the idle time, not before, the main loop beats before the thread leaves', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);
    await threadBeating(sut);

    sut.workEnded();
    await jest.advanceTimersByTimeAsync(IDLE_MS - 1);
    expect(calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);

    expect(calls).toEqual(['main.start', 'thread1.leave']);
  });

  it('keeps the thread for a task that begins within the idle time, and starts a new one after it left', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);
    await threadBeating(sut);

    sut.workEnded();
    await jest.advanceTimersByTimeAsync(IDLE_MS - 1);
    sut.workBegan();
    sut.workEnded();
    await jest.advanceTimersByTimeAsync(IDLE_MS - 1);
    expect(calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    sut.workBegan();

    expect(calls).toEqual(['main.start', 'thread1.leave', 'main.beatAtOnce', 'thread2.start']);
  });

  it('keeps the thread when a task begins while the main loop takes the beats back', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);
    await threadBeating(sut);
    mainFirstBeat = deferred();

    sut.workEnded();
    await jest.advanceTimersByTimeAsync(IDLE_MS);
    sut.workBegan();
    mainFirstBeat.resolve();
    await jest.advanceTimersByTimeAsync(0);

    expect(calls).toEqual(['main.start', 'main.pause']);
  });

  it('never hands the beats back with an idle time of 0', async () => {
    const sut = new HeartbeatHandoff(main, startThread, 0);
    await threadBeating(sut);

    sut.workEnded();
    await jest.advanceTimersByTimeAsync(60 * IDLE_MS);

    expect(calls).toEqual([]);
  });

  it('when the thread exits unasked, beats from the main loop again', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);
    await threadBeating(sut);

    threads[0].exits();
    await jest.advanceTimersByTimeAsync(0);

    expect(calls).toEqual(['main.start']);
  });

  it('retires both sides, and hands nothing back once retired', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);
    await threadBeating(sut);

    sut.workEnded();
    sut.retire();
    await jest.advanceTimersByTimeAsync(2 * IDLE_MS);

    expect(calls).toEqual(['main.retire', 'thread1.retire']);
  });

  it('on stop, stops the thread before the main loop, which ends the heartbeat last', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);
    await threadBeating(sut);

    await sut.stop();
    sut.workBegan();

    expect(calls).toEqual(['thread1.stop', 'main.stop']);
  });

  it('on stop right after a hand-back, waits for the leaving thread to exit before ending the heartbeat', async () => {
    const sut = new HeartbeatHandoff(main, startThread, IDLE_MS);
    await threadBeating(sut);
    sut.workEnded();
    await jest.advanceTimersByTimeAsync(IDLE_MS);

    const stopping = sut.stop();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['main.start', 'thread1.leave']);
    threads[0].exits();
    await stopping;

    expect(calls).toEqual(['main.start', 'thread1.leave', 'main.stop']);
  });
});
