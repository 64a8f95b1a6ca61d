type DateTimeFormatArguments = ConstructorParameters<typeof Intl.DateTimeFormat>;
type DateInput = Date | number | undefined;

/**
 * Stands in for an `Intl.DateTimeFormat` and builds the real one on its first use, with the same
 * arguments. What it answers is the real formatter's.
 */
export class LazyDateTimeFormat {
  private real?: Intl.DateTimeFormat;

  constructor(
    private readonly build: (...args: DateTimeFormatArguments) => Intl.DateTimeFormat,
    private readonly args: DateTimeFormatArguments,
  ) {}

  // An arrow, as the real `format` is bound: it may be passed around on its own.
  readonly format = (date?: DateInput): string => this.formatter.format(date);

  formatToParts(date?: DateInput): Intl.DateTimeFormatPart[] {
    return this.formatter.formatToParts(date);
  }

  formatRange(start: Date | number, end: Date | number): string {
    return this.formatter.formatRange(start, end);
  }

  formatRangeToParts(start: Date | number, end: Date | number): Intl.DateTimeRangeFormatPart[] {
    return this.formatter.formatRangeToParts(start, end);
  }

  resolvedOptions(): Intl.ResolvedDateTimeFormatOptions {
    return this.formatter.resolvedOptions();
  }

  private get formatter(): Intl.DateTimeFormat {
    return (this.real ??= this.build(...this.args));
  }
}

/**
 * Runs `load` with `Intl.DateTimeFormat` answering {@link LazyDateTimeFormat}s, then puts the real
 * one back. The first `Intl.DateTimeFormat` a process builds loads ICU's locale, calendar and time
 * zone data: about 7 MB of resident memory in each role (BENCHMARKS.md, Memory target).
 * `@nestjs/common` builds two as it loads, for its console logger's timestamps, which the roles do not
 * log with (their logger is pino): loaded through this, they cost nothing until one formats a date.
 */
export function loadWithLazyDateFormats<T>(load: () => T): T {
  const Real = Intl.DateTimeFormat;
  // A function, not an arrow: called with `new` (or without, as the real one may be), it answers the stand-in.
  function Lazy(...args: DateTimeFormatArguments): LazyDateTimeFormat {
    return new LazyDateTimeFormat((...built) => new Real(...built), args);
  }
  Lazy.supportedLocalesOf = Real.supportedLocalesOf.bind(Real);
  Intl.DateTimeFormat = Lazy as unknown as typeof Intl.DateTimeFormat;
  try {
    return load();
  } finally {
    Intl.DateTimeFormat = Real;
  }
}
