import { cronSchedule, intervalSchedule, ScheduleSyntaxError } from './schedule';

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

/** The next `count` ticks after `from`. */
function ticks(sut: { next(after: Date): Date }, from: string, count: number): string[] {
  const out: string[] = [];
  let cursor = at(from);
  for (let i = 0; i < count; i++) {
    cursor = sut.next(cursor);
    out.push(iso(cursor));
  }
  return out;
}

describe('intervalSchedule', () => {
  it('aligns ticks to the clock', () => {
    const sut = intervalSchedule('10s');

    expect(ticks(sut, '2026-11-27T10:00:03.250Z', 3)).toEqual([
      '2026-11-27T10:00:10.000Z',
      '2026-11-27T10:00:20.000Z',
      '2026-11-27T10:00:30.000Z',
    ]);
  });

  it('moves past a tick that falls exactly on the moment', () => {
    expect(iso(intervalSchedule('5m').next(at('2026-11-27T10:05:00.000Z')))).toBe('2026-11-27T10:10:00.000Z');
  });

  it.each([
    ['3s', 3_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
  ])('reads %s', (every, intervalMs) => {
    const sut = intervalSchedule(every);
    const first = sut.next(at('2026-01-01T00:00:00.500Z'));

    expect(sut.next(first).getTime() - first.getTime()).toBe(intervalMs);
    expect(sut.description).toBe(`every ${every}`);
  });

  it.each(['', '10', '0s', '-5s', '1.5s', '10 seconds', '5w'])('refuses %j', (every) => {
    expect(() => intervalSchedule(every)).toThrow(ScheduleSyntaxError);
  });
});

describe('cronSchedule', () => {
  it('evaluates the crontab in the time zone: every Monday 8:00 in Shanghai', () => {
    const sut = cronSchedule('0 8 * * 1', 'Asia/Shanghai');

    // Friday 27 November 2026; Monday 8:00 in Shanghai is midnight UTC.
    expect(ticks(sut, '2026-11-27T09:00:00Z', 2)).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z']);
  });

  it('fires once at the next valid minute on the day the clocks go forward', () => {
    const sut = cronSchedule('30 2 * * *', 'Europe/Berlin');

    // 29 March 2026: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist that day.
    expect(ticks(sut, '2026-03-27T12:00:00Z', 4)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('fires once on the day the clocks go back, though 02:30 happens twice', () => {
    const sut = cronSchedule('30 2 * * *', 'Europe/Berlin');

    // 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens at 00:30Z and 01:30Z.
    expect(ticks(sut, '2026-10-24T12:00:00Z', 3)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
      '2026-10-27T01:30:00.000Z',
    ]);
  });

  it.each(['0 8 * *', '0 8 * * 1 2026', '61 * * * *', 'every monday'])('refuses %j', (expression) => {
    expect(() => cronSchedule(expression, 'Asia/Shanghai')).toThrow(ScheduleSyntaxError);
  });
});
