import pino, { type Logger } from 'pino';

const symbols = pino.symbols;

/** pino's parts of a logger, read through `pino.symbols` (pino's interface for integrations). */
interface LoggerParts {
  [symbols.asJsonSym]: (fields: object, message: string, level: number, time: string) => string;
  [symbols.lsCacheSym]: Record<number, string>;
  [symbols.timeSym]: () => string;
  [symbols.chindingsSym]: string;
  [symbols.endSym]: string;
  [symbols.mixinSym]?: unknown;
  [symbols.hooksSym]: { logMethod?: unknown; streamWrite?: unknown };
  [symbols.streamSym]: { write(line: string): unknown; [symbols.needsMetadataGsym]?: boolean };
}

/** A line as pino would be asked for it, and the JSON of its fields as its caller builds them. */
export interface SampleLine {
  /** pino's number for the line's level. */
  readonly level: number;
  readonly fields: object;
  /** `fields` as JSON, without the braces: `"taskId":"…","attempt":1`. */
  readonly fieldsJson: string;
  readonly message: string;
}

/** The JSON of strings from a small, fixed set (task names, HTTP methods, routes, messages), each made once. */
export class NameJson {
  private readonly made = new Map<string, string>();

  of(name: string): string {
    let json = this.made.get(name);
    if (json === undefined) {
      json = JSON.stringify(name);
      this.made.set(name, json);
    }
    return json;
  }
}

/**
 * Writes lines byte for byte as `logger[level](fields, message)` would, from the logger's own parts
 * (each level's start, the time, the bindings, the end) and the fields' JSON built by the caller,
 * who knows their shape: pino's generic path walks the fields' keys, looks each up for a
 * serializer and a redaction and scans each string for characters to escape, a few µs a line that
 * a line per task or per request pays (BENCHMARKS.md, Tasks and Cached read).
 *
 * It holds only where the logger writes nothing else: no mixin, no hook, no stream that wants
 * metadata, and pino's own line for the caller's sample equal to the one built here (a formatter,
 * a serializer or a redaction of the fields, another message key, all make it differ). Where it
 * does not, {@link own} is false and the caller keeps pino's path.
 */
export class PinoLines {
  private readonly parts: LoggerParts;
  private readonly messages = new NameJson();
  readonly own: boolean;

  constructor(
    private readonly logger: Logger,
    sample: SampleLine,
  ) {
    this.parts = logger as unknown as LoggerParts;
    const time = ',"time":0';
    this.own =
      !this.parts[symbols.mixinSym] &&
      !this.parts[symbols.hooksSym].logMethod &&
      !this.parts[symbols.hooksSym].streamWrite &&
      !this.parts[symbols.streamSym][symbols.needsMetadataGsym] &&
      this.parts[symbols.asJsonSym](sample.fields, sample.message, sample.level, time) ===
        this.line(sample.level, time, sample.fieldsJson, sample.message);
  }

  /** Whether a line of this level is written: asked before its fields are built. */
  enabled(level: number): boolean {
    return level >= this.logger.levelVal;
  }

  /** Writes the line; only where {@link own} and {@link enabled}. `message` is one of a few. */
  write(level: number, fieldsJson: string, message: string): void {
    this.parts[symbols.streamSym].write(this.line(level, this.parts[symbols.timeSym](), fieldsJson, message));
  }

  private line(level: number, time: string, fieldsJson: string, message: string): string {
    const { parts } = this;
    return `${parts[symbols.lsCacheSym][level]}${time}${parts[symbols.chindingsSym]},${fieldsJson},"msg":${this.messages.of(message)}${parts[symbols.endSym]}`;
  }
}
