import { redactUrl } from './redact-url';

/** A configuration value that is missing or malformed; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
    received: string | undefined,
  ) {
    super(
      `Invalid configuration: ${variable} must be ${expected}` + (received === undefined ? ' (it is not set)' : ` (got "${received}")`),
    );
    this.name = 'ConfigError';
  }
}

type RawEnv = Readonly<Record<string, string | undefined>>;

/**
 * Typed readers over a raw environment. Each reader takes the variable's default, so the
 * default and the rule live beside each other; an empty string counts as unset.
 */
export class EnvReader {
  constructor(private readonly env: RawEnv) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string, pattern?: { regex: RegExp; expected: string }): string {
    const value = this.raw(name) ?? fallback;
    if (pattern && !pattern.regex.test(value)) {
      throw new ConfigError(name, pattern.expected, value);
    }
    return value;
  }

  optionalString(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      throw new ConfigError(name, `at least ${minLength} characters long`, '***');
    }
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      throw new ConfigError(name, `an integer from ${min} to ${max}`, value);
    }
    return parsed;
  }

  /** An integer that may be left unset (`undefined`), for features that are off unless configured. */
  optionalInt(name: string, min: number, max: number): number | undefined {
    return this.raw(name) === undefined ? undefined : this.int(name, min, min, max);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw new ConfigError(name, 'true or false', value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `one of ${allowed.join(', ')}`, value);
    }
    return value as T;
  }

  /** A URL with one of the protocols. A rejected value is shown through {@link redactUrl}. */
  url(name: string, protocols: readonly string[], fallback: string): URL {
    const value = this.raw(name) ?? fallback;
    return parseUrl(name, value, protocols, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }

  /** A comma list of URLs, each with one of the protocols; unset: none. */
  urlList(name: string, protocols: readonly string[]): URL[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const expected = `a comma list of URLs starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
    return value.split(',').map((item) => parseUrl(name, item.trim(), protocols, expected));
  }

  jsonObject(name: string): Record<string, unknown> {
    const value = this.raw(name);
    if (value === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new ConfigError(name, 'a JSON object', value);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(name, 'a JSON object', value);
    }
    return parsed as Record<string, unknown>;
  }

  /**
   * One integer for every key, or a comma list of `key=integer` pairs (`default=8,banner=2`); the
   * keys are checked by whoever knows them. Unset: `{ all: fallback, byKey: {} }`.
   */
  intPerKey(name: string, fallback: number, min: number, max: number): { all: number; byKey: Record<string, number> } {
    const value = this.raw(name);
    if (value === undefined) return { all: fallback, byKey: {} };
    if (!value.includes('=')) return { all: this.int(name, fallback, min, max), byKey: {} };
    const expected = `an integer from ${min} to ${max}, or a comma list of name=integer pairs such as default=8,banner=2`;
    const byKey: Record<string, number> = {};
    for (const pair of value.split(',')) {
      const match = /^\s*([\w.-]+)\s*=\s*(\d+)\s*$/.exec(pair);
      const count = Number(match?.[2]);
      if (!match || count < min || count > max || match[1] in byKey) throw new ConfigError(name, expected, value);
      byKey[match[1]] = count;
    }
    return { all: fallback, byKey };
  }

  /** A JSON object whose every value is a string (`{"add": "low"}`); unset: `{}`. */
  jsonStringMap(name: string): Record<string, string> {
    const parsed = this.jsonObject(name);
    for (const [key, entry] of Object.entries(parsed)) {
      if (typeof entry !== 'string') {
        throw new ConfigError(name, 'a JSON object of strings, such as {"add":"default"}', `${key}: ${JSON.stringify(entry)}`);
      }
    }
    return parsed as Record<string, string>;
  }

  /**
   * A time zone `Intl.DateTimeFormat` accepts. ICU's list of canonical zones answers most without
   * building a formatter: the first one a process builds loads ICU's date data, about 7 MB of
   * resident memory (see loadWithLazyDateFormats). Aliases and `UTC` are left to a formatter.
   */
  timeZone(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    if (Intl.supportedValuesOf('timeZone').includes(value)) return value;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
    } catch {
      throw new ConfigError(name, 'an IANA time zone such as Asia/Shanghai', value);
    }
    return value;
  }
}

function parseUrl(name: string, value: string, protocols: readonly string[], expected: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Not a URL: shown as it came, minus anything that looks like a password.
  }
  if (!url || !protocols.includes(url.protocol)) throw new ConfigError(name, expected, redactUrl(value));
  return url;
}
