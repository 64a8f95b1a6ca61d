import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

/** An HTTP/1.1 answer read off a raw connection. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Splits what a server sent on one connection into the first answer's status, headers and body. */
export function parseAnswer(bytes: Buffer): RawAnswer {
  const text = bytes.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = text.slice(0, end < 0 ? text.length : end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: end < 0 ? '' : text.slice(end + 4) };
}

/** A connection to 127.0.0.1 that keeps everything the server sends, and says when it closed. */
export class RawConnection {
  readonly socket: Socket;
  private readonly received: Buffer[] = [];
  /** Resolves once the server has closed, with the error that closed it, if any. */
  readonly closed: Promise<Error | undefined>;
  /** Resolves once the server has sent something. */
  readonly answered: Promise<void>;

  constructor(port: number, localAddress = '127.0.0.1') {
    this.socket = connect({ host: '127.0.0.1', port, localAddress });
    this.answered = new Promise((resolve) => this.socket.once('data', () => resolve()));
    this.socket.on('data', (chunk: Buffer) => this.received.push(chunk));
    this.closed = new Promise((resolve) => {
      let failure: Error | undefined;
      this.socket.on('error', (error) => (failure = error));
      this.socket.on('close', () => resolve(failure));
    });
  }

  get answer(): RawAnswer {
    return parseAnswer(Buffer.concat(this.received));
  }

  /**
   * Writes all of `bytes`, waiting for the socket to drain as a well-behaved client does.
   * @returns how many bytes were written before the connection closed, if it did.
   */
  async writeAll(bytes: Buffer | string, sliceSize = 64 * 1024): Promise<number> {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    const closed = this.closed.then(() => 'closed' as const);
    for (let offset = 0; offset < buffer.length; offset += sliceSize) {
      if (this.socket.destroyed) return offset;
      if (!this.socket.write(buffer.subarray(offset, offset + sliceSize))) {
        if ((await Promise.race([closed, new Promise((drained) => this.socket.once('drain', drained))])) === 'closed') return offset;
      }
    }
    return buffer.length;
  }
}

/** A plain HTTP request from a chosen local address (the throttles count per address). */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)])),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}
