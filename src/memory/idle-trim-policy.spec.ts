import { AFTER_WORK_MS, IdleTrimPolicy, TRIM_CLEARANCE_MS, trimDelayMs } from './idle-trim-policy';

const MB = 1024 * 1024;

describe('IdleTrimPolicy', () => {
  const settings = { idleMs: 3_000, busyUtilization: 0.05, growthBytes: 8 * MB };
  const quiet = (heapBytes: number) => ({ elapsedMs: 1_000, utilization: 0.01, heapBytes, workInFlight: false });

  it('trims once the event loop has been quiet for the idle time, not before', () => {
    const sut = new IdleTrimPolicy(settings);

    expect(sut.shouldTrim(quiet(100 * MB))).toBe(false);
    expect(sut.shouldTrim(quiet(100 * MB))).toBe(false);
    expect(sut.shouldTrim(quiet(100 * MB))).toBe(true);
  });

  it('starts counting again after a busy moment', () => {
    const sut = new IdleTrimPolicy(settings);

    sut.shouldTrim(quiet(100 * MB));
    sut.shouldTrim(quiet(100 * MB));
    expect(sut.shouldTrim({ elapsedMs: 1_000, utilization: 0.5, heapBytes: 100 * MB, workInFlight: false })).toBe(false);
    expect(sut.shouldTrim(quiet(100 * MB))).toBe(false);
    expect(sut.shouldTrim(quiet(100 * MB))).toBe(false);
    expect(sut.shouldTrim(quiet(100 * MB))).toBe(true);
  });

  it('does not trim a process that stays idle again, until its heap grew by the growth', () => {
    const sut = new IdleTrimPolicy(settings);
    sut.shouldTrim({ elapsedMs: 3_000, utilization: 0, heapBytes: 100 * MB, workInFlight: false });
    sut.trimmed(40 * MB);

    expect(sut.shouldTrim({ elapsedMs: 60_000, utilization: 0, heapBytes: 47 * MB, workInFlight: false })).toBe(false);
    expect(sut.shouldTrim({ elapsedMs: 1_000, utilization: 0, heapBytes: 48 * MB, workInFlight: false })).toBe(true);
  });

  it('counts a check as quiet up to the busy share, included', () => {
    const sut = new IdleTrimPolicy(settings);

    expect(sut.shouldTrim({ elapsedMs: 3_000, utilization: 0.05, heapBytes: 100 * MB, workInFlight: false })).toBe(true);
  });

  // A worker whose tasks wait on I/O keeps a quiet event loop: the pause would hold them up.
  it('does not trim while work is in flight, however quiet the event loop', () => {
    const sut = new IdleTrimPolicy(settings);

    expect(sut.shouldTrim({ elapsedMs: 60_000, utilization: 0, heapBytes: 100 * MB, workInFlight: true })).toBe(false);
    expect(sut.shouldTrim(quiet(100 * MB))).toBe(false);
    expect(sut.shouldTrim(quiet(100 * MB))).toBe(false);
    expect(sut.shouldTrim(quiet(100 * MB))).toBe(true);
  });
});

describe('trimDelayMs', () => {
  it('trims at once when no work is expected, or none within the clearance', () => {
    expect(trimDelayMs(undefined)).toBe(0);
    expect(trimDelayMs(TRIM_CLEARANCE_MS)).toBe(0);
    expect(trimDelayMs(60_000)).toBe(0);
  });

  it('puts a trim off until just after work expected within the clearance, or under way', () => {
    expect(trimDelayMs(TRIM_CLEARANCE_MS - 1)).toBe(TRIM_CLEARANCE_MS - 1 + AFTER_WORK_MS);
    expect(trimDelayMs(20)).toBe(20 + AFTER_WORK_MS);
    expect(trimDelayMs(0)).toBe(AFTER_WORK_MS);
    expect(trimDelayMs(-30)).toBe(AFTER_WORK_MS);
  });
});
