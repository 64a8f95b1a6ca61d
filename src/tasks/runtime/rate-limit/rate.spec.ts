import { MAX_RATE_LIMIT, parseRate } from './rate';

describe('parseRate', () => {
  it('reads a count per second, minute or hour, as Celery writes rate limits', () => {
    expect(parseRate('10/s')).toEqual({ limit: 10, windowMs: 1_000 });
    expect(parseRate('100/m')).toEqual({ limit: 100, windowMs: 60_000 });
    expect(parseRate('1000/h')).toEqual({ limit: 1_000, windowMs: 3_600_000 });
    expect(parseRate(`${MAX_RATE_LIMIT}/s`)).toEqual({ limit: MAX_RATE_LIMIT, windowMs: 1_000 });
  });

  it.each([
    ['no unit', '10'],
    ['an unknown unit', '10/d'],
    ['a long unit name', '10/sec'],
    ['zero', '0/s'],
    ['a negative count', '-1/s'],
    ['a fraction', '1.5/s'],
    ['a leading zero', '010/s'],
    ['spaces', ' 10/s'],
    ['more than the most a window may hold', `${MAX_RATE_LIMIT + 1}/s`],
    ['an empty text', ''],
  ])('refuses %s', (_, text) => {
    expect(parseRate(text)).toBeNull();
  });

  it('refuses what is not a text', () => {
    expect(parseRate(10)).toBeNull();
    expect(parseRate(null)).toBeNull();
    expect(parseRate({ limit: 10 })).toBeNull();
  });
});
