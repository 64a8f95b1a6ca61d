import { expect } from '@jest/globals';
import { AppError } from '../../common/app-error';
import { resolveTiming } from './task-timing';

const NOW = Date.parse('2030-05-01T02:00:00Z');
/** TASK_MAX_DELAY's default, 30 days. */
const MAX_DELAY_MS = 30 * 86_400_000;

describe('resolveTiming', () => {
  it('runs at once with neither countdown nor eta', () => {
    expect(resolveTiming({}, NOW, MAX_DELAY_MS)).toEqual({ delayMs: 0, eta: null });
  });

  it('holds a countdown back by its seconds, fractions included', () => {
    expect(resolveTiming({ countdown: 1.5 }, NOW, MAX_DELAY_MS)).toEqual({ delayMs: 1_500, eta: new Date(NOW + 1_500) });
  });

  it.each([
    ['2030-05-01T10:00:10+08:00', 10_000],
    ['2030-05-01T02:00:10Z', 10_000],
    ['2030-05-01T10:00:10.250+0800', 10_250],
  ])('holds an eta of %s back until then', (eta, delayMs) => {
    expect(resolveTiming({ eta }, NOW, MAX_DELAY_MS)).toEqual({ delayMs, eta: new Date(NOW + delayMs) });
  });

  it('runs an eta in the past at once, keeping the eta asked for', () => {
    expect(resolveTiming({ eta: '2030-05-01T01:00:00Z' }, NOW, MAX_DELAY_MS)).toEqual({
      delayMs: 0,
      eta: new Date('2030-05-01T01:00:00Z'),
    });
  });

  it('takes a Date as the moment it is', () => {
    expect(resolveTiming({ eta: new Date(NOW + 5_000) }, NOW, MAX_DELAY_MS).delayMs).toBe(5_000);
  });

  it('refuses an eta without a time zone offset, explaining the 8-hour trap', () => {
    const sut = () => resolveTiming({ eta: '2030-05-01T10:00:10' }, NOW, MAX_DELAY_MS);

    expect(sut).toThrow(AppError);
    expect(sut).toThrow(/"2030-05-01T10:00:10" has no time zone offset: add Z or ±hh:mm/);
    expect(sut).toThrow(/runs 8 hours late/);
  });

  it.each([
    [{ countdown: 10, eta: '2030-05-01T02:00:10Z' }, 'Give either countdown or eta, not both'],
    [{ countdown: -1 }, 'countdown must be a number of seconds, 0 or more (got -1)'],
    [{ countdown: Number.POSITIVE_INFINITY }, 'countdown must be a number of seconds'],
    [{ countdown: 1e300 }, 'countdown is too far in the future (got 1e+300)'],
    [{ eta: 'tomorrow' }, 'eta must be an ISO-8601 date-time such as 2030-05-01T10:00:00+08:00 (got "tomorrow")'],
    [{ eta: '2030-02-30T10:00:00Z' }, 'eta "2030-02-30T10:00:00Z" is not a real date-time'],
    [{ eta: '2030-05-01T25:00:00Z' }, 'is not a real date-time'],
    [{ eta: new Date(Number.NaN) }, 'eta is an invalid Date'],
  ])('refuses %j', (timing, message) => {
    const sut = () => resolveTiming(timing, NOW, MAX_DELAY_MS);

    expect(sut).toThrow(message);
    expect(sut).toThrow(expect.objectContaining({ code: 'TASK_INVALID_SCHEDULE', kind: 'invalid' }));
  });

  it('accepts a countdown or an eta exactly TASK_MAX_DELAY ahead', () => {
    expect(resolveTiming({ countdown: 30 * 86_400 }, NOW, MAX_DELAY_MS).delayMs).toBe(MAX_DELAY_MS);
    expect(resolveTiming({ eta: '2030-05-31T02:00:00Z' }, NOW, MAX_DELAY_MS).delayMs).toBe(MAX_DELAY_MS);
  });

  it.each([
    [{ countdown: 30 * 86_400 + 1 }, 'countdown is more than 30 days ahead (TASK_MAX_DELAY)'],
    [{ eta: '2030-05-31T02:00:01Z' }, 'eta is more than 30 days ahead (TASK_MAX_DELAY)'],
    [{ eta: '2999-01-01T00:00:00Z' }, 'eta is more than 30 days ahead'],
  ])('refuses %j, beyond TASK_MAX_DELAY', (timing, message) => {
    const sut = () => resolveTiming(timing, NOW, MAX_DELAY_MS);

    expect(sut).toThrow(message);
    expect(sut).toThrow(expect.objectContaining({ code: 'TASK_INVALID_SCHEDULE', kind: 'invalid' }));
  });
});
