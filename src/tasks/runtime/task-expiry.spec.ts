import { AppError } from '../../common/app-error';
import { hasExpired, resolveExpiry } from './task-expiry';

const NOW = Date.UTC(2030, 4, 1, 2, 0, 0);

describe('resolveExpiry', () => {
  it('reads seconds from now, or a moment with its offset, and none when not given', () => {
    expect(resolveExpiry(90, NOW)).toEqual(new Date(NOW + 90_000));
    expect(resolveExpiry(0.5, NOW)).toEqual(new Date(NOW + 500));
    expect(resolveExpiry('2030-05-01T10:00:30+08:00', NOW)).toEqual(new Date(NOW + 30_000));
    expect(resolveExpiry(undefined, NOW)).toBeNull();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e20, '2030-05-01T10:00:00', 'tomorrow', true, null])('refuses %p', (expires) => {
    const sut = () => resolveExpiry(expires, NOW);

    expect(sut).toThrow(AppError);
    expect(sut).toThrow('expires must be a number of seconds above 0 or an ISO-8601 date-time with its offset');
  });
});

describe('hasExpired', () => {
  it('holds from the moment on, never without one', () => {
    const moment = new Date(NOW).toISOString();

    expect(hasExpired(moment, NOW - 1)).toBe(false);
    expect(hasExpired(moment, NOW)).toBe(true);
    expect(hasExpired(undefined, NOW)).toBe(false);
  });
});
