import type { MainProcess } from '../../support/main-process';

/** One HTTP answer seen while a store was taken away. */
export interface Answer {
  /** Milliseconds since the recorder started, when the request was sent. */
  readonly at: number;
  readonly ms: number;
  readonly status: number;
  /** The JSON body, when there is one. */
  readonly body?: unknown;
  /** The error code of a JSON error body. */
  readonly code?: string;
  readonly xCache?: string | null;
  /** What the caller wants to remember about this request (an argument, a banner id). */
  readonly tag?: unknown;
}

/** What was sent: a label for the counts, and the request. */
export interface Call {
  readonly kind: string;
  readonly tag?: unknown;
  readonly send: () => Promise<Response>;
}

/**
 * Sends requests one after another until stopped and keeps every answer with its time, so that a
 * scenario can say when the service answered errors and for how long. A request that gets no
 * answer at all (connection refused, reset) counts as status 0: a crash or a hang shows.
 */
export class Traffic {
  readonly answers: (Answer & { kind: string })[] = [];
  private readonly startedAt = Date.now();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(next: (index: number) => Call, pauseMs = 20) {
    this.loop = (async () => {
      for (let index = 0; this.running; index++) {
        const call = next(index);
        const at = this.now();
        let answer: Answer;
        try {
          const response = await call.send();
          const text = await response.text();
          const body = response.headers.get('content-type')?.includes('json') && text ? (JSON.parse(text) as unknown) : undefined;
          const code = (body as { code?: string } | undefined)?.code;
          answer = { at, ms: this.now() - at, status: response.status, body, code, xCache: response.headers.get('x-cache'), tag: call.tag };
        } catch {
          answer = { at, ms: this.now() - at, status: 0, tag: call.tag };
        }
        this.answers.push({ ...answer, kind: call.kind });
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    })();
  }

  now(): number {
    return Date.now() - this.startedAt;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves once an answer after `since` satisfies `ok`, or fails after the deadline. */
  async waitFor(ok: (answer: Answer) => boolean, since: number, what: string, timeoutMs = 20_000): Promise<Answer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.answers.find((answer) => answer.at >= since && ok(answer));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(this.answers.at(-1))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** When the answers that match came, in ms since `origin` (the moment the store was taken away). */
export function span(answers: readonly Answer[], match: (answer: Answer) => boolean, origin: number) {
  const matching = answers.filter(match);
  return {
    count: matching.length,
    firstMs: matching.length ? matching[0].at - origin : null,
    lastMs: matching.length ? matching.at(-1)!.at + matching.at(-1)!.ms - origin : null,
  };
}

/** An answer in a few words, for failure messages. */
export function brief(answer: Answer & { kind?: string }): string {
  const what = [answer.kind, answer.status, answer.code, answer.xCache && `X-Cache ${answer.xCache}`].filter(Boolean).join(' ');
  return `${what}, sent at ${answer.at} ms, took ${answer.ms} ms`;
}

/** Counts of each value. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Output lines that betray a crash or an error nobody handled. */
export function crashLines(process: MainProcess): string[] {
  return process.lines.filter((line) => /Unhandled|uncaught|FATAL|"level":60/i.test(line));
}
