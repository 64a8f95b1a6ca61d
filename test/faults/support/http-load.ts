import { setTimeout as sleep } from 'node:timers/promises';

/** The requests a client sent and how they were answered. */
export interface HttpFigures {
  sent: number;
  /** Anything but a 2xx: an error status or no answer at all. */
  failed: number;
  /** Answers by status code, and `network` for requests that got none. */
  byStatus: Record<string, number>;
}

/**
 * An HTTP client of the apis, taking them in turn. Node's fetch keeps connections alive, as a
 * real client would. Nothing it sends is retried, so every failure is counted as it happened.
 */
export class HttpLoad {
  readonly figures: HttpFigures = { sent: 0, failed: 0, byStatus: {} };
  /** The first few failures, to show when a test fails. */
  readonly failureSamples: string[] = [];
  private turn = 0;

  constructor(
    private readonly urls: () => readonly string[],
    private readonly adminToken: string,
  ) {}

  /** `POST /api/admin/tasks`: the task id when accepted, else undefined (counted as failed). */
  async enqueue(name: string, args: readonly unknown[]): Promise<string | undefined> {
    const body = (await this.request('POST', '/api/admin/tasks', { name, args })) as { id: string } | undefined;
    return body?.id;
  }

  async readBanners(): Promise<void> {
    await this.request('GET', '/api/home/banners');
  }

  /** `GET /api/admin/tasks/:id`: the status, or undefined (counted as failed). */
  async taskStatus(id: string): Promise<{ state: string; result: unknown } | undefined> {
    return (await this.request('GET', `/api/admin/tasks/${id}`)) as { state: string; result: unknown } | undefined;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const urls = this.urls();
    const url = `${urls[this.turn++ % urls.length]}${path}`;
    this.figures.sent++;
    let status: string;
    let detail: string;
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${this.adminToken}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      status = String(response.status);
      this.count(status);
      if (response.ok) return JSON.parse(text);
      detail = text;
    } catch (error) {
      status = 'network';
      this.count(status);
      detail = String((error as Error).cause ?? error);
    }
    this.figures.failed++;
    if (this.failureSamples.length < 10) this.failureSamples.push(`${method} ${url} → ${status} ${detail.slice(0, 200)}`);
    return undefined;
  }

  private count(status: string): void {
    this.figures.byStatus[status] = (this.figures.byStatus[status] ?? 0) + 1;
  }
}

/**
 * Runs `op(0)` … `op(count - 1)` spread evenly over `durationMs`, with at most `concurrency` in
 * flight (a slow server delays the next ones rather than piling up requests), and stops early
 * when `stop()` says so. `op` must not throw.
 */
export async function paced(
  count: number,
  durationMs: number,
  concurrency: number,
  op: (index: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let index = 0; index < count && !stop(); index++) {
    const wait = start + (index * durationMs) / count - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const running: Promise<void> = op(index).finally(() => inFlight.delete(running));
    inFlight.add(running);
  }
  await Promise.all(inFlight);
}
