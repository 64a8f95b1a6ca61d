import { LazyDateTimeFormat, loadWithLazyDateFormats } from './lazy-date-formats';

describe('loadWithLazyDateFormats', () => {
  const Real = Intl.DateTimeFormat;
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  };
  const moment = Date.UTC(2026, 11, 2, 7, 30, 5);
  let built: number;

  beforeEach(() => {
    built = 0;
    // Counts the real formatters built; put back by afterEach.
    Intl.DateTimeFormat = function (...args: ConstructorParameters<typeof Real>) {
      built++;
      return new Real(...args);
    } as unknown as typeof Intl.DateTimeFormat;
    Intl.DateTimeFormat.supportedLocalesOf = Real.supportedLocalesOf.bind(Real);
  });

  afterEach(() => {
    Intl.DateTimeFormat = Real;
  });

  it('builds no real formatter while loading, and one on the first use, which answers as the real one does', () => {
    const counting = Intl.DateTimeFormat;
    const formatter = loadWithLazyDateFormats(() => new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }));

    expect(formatter).toBeInstanceOf(LazyDateTimeFormat);
    expect(built).toBe(0);
    expect(Intl.DateTimeFormat).toBe(counting);

    const reference = new Real('en-GB', { ...options, timeZone: 'UTC' });
    expect(formatter.format(moment)).toBe(reference.format(moment));
    expect(formatter.format(moment)).toBe('02/12/2026, 07:30:05');
    expect(formatter.formatToParts(moment)).toEqual(reference.formatToParts(moment));
    expect(formatter.formatRange(moment, moment + 3_600_000)).toBe(reference.formatRange(moment, moment + 3_600_000));
    expect(formatter.resolvedOptions()).toEqual(reference.resolvedOptions());
    expect(built).toBe(1);
  });

  it('formats with a detached format, as the real formatter allows, and with the default locale and zone', () => {
    const formatter = loadWithLazyDateFormats(() => new Intl.DateTimeFormat(undefined, options)) as unknown as LazyDateTimeFormat;
    const { format } = formatter;

    expect(format(moment)).toBe(new Real(undefined, options).format(moment));
  });

  it('answers a stand-in when called without new, and the real supportedLocalesOf', () => {
    const formatter = loadWithLazyDateFormats(() => {
      expect(Intl.DateTimeFormat.supportedLocalesOf(['en-GB'])).toEqual(Real.supportedLocalesOf(['en-GB']));
      return (Intl.DateTimeFormat as unknown as (...args: unknown[]) => Intl.DateTimeFormat)('en-GB', { timeZone: 'UTC' });
    });

    expect(formatter).toBeInstanceOf(LazyDateTimeFormat);
    expect(built).toBe(0);
  });

  it('puts the real Intl.DateTimeFormat back when the load throws', () => {
    const counting = Intl.DateTimeFormat;

    expect(() =>
      loadWithLazyDateFormats(() => {
        throw new Error('no such module');
      }),
    ).toThrow('no such module');
    expect(Intl.DateTimeFormat).toBe(counting);
  });
});
