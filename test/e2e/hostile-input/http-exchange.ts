import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/** A request the hostile-input corpus sends, named so that a failure says which one. */
export interface HostileRequest {
  readonly category: string;
  readonly name: string;
  readonly method: string;
  /** Sent as it is: no normalisation of `..` or percent-encodings, unlike fetch. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /**
   * Bytes written on a connection of their own, for what node:http refuses to send (control
   * characters, broken framing) or cannot read the answer to (a 413 that comes while the body is
   * still going out): the head, then `body` until the server answers.
   */
  readonly raw?: RawRequest;
  /** The one status that is right, when only one is; otherwise any 4xx. */
  readonly status?: number;
}

/** Bytes for a connection of their own. */
export interface RawRequest {
  readonly head: string;
  readonly body?: Buffer;
  /** Writes the head one byte every this many ms, as a slow-headers attack does. */
  readonly trickleMs?: number;
}

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const RAW_TIMEOUT_MS = 10_000;

/** Sends one request of the corpus to `host:port` and reads the whole answer. */
export function exchange(port: number, request: HostileRequest): Promise<Answer> {
  return request.raw === undefined ? sendHttp(port, request) : sendRaw(port, request.raw);
}

function sendHttp(port: number, { method, path, headers = {}, body }: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    if (body !== undefined) {
      outgoing.setHeader('content-length', Buffer.byteLength(body));
      outgoing.write(body);
    }
    outgoing.end();
  });
}

const BODY_SLICE = 64 * 1024;

/**
 * Writes the head, then the body a slice at a time until the server answers, reads until the
 * server closes (every raw request is refused, or says `Connection: close`), and splits the
 * HTTP/1.1 answer.
 */
function sendRaw(port: number, { head, body, trickleMs }: RawRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(RAW_TIMEOUT_MS, () => socket.destroy(new Error(`No answer within ${RAW_TIMEOUT_MS} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => (chunks.length > 0 ? undefined : reject(error)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [responseHead, ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(responseHead)?.[1] ?? 0);
      const contentType = /^content-type:\s*(.*)$/im.exec(responseHead)?.[1] ?? '';
      resolve({ status, contentType, body: rest.join('\r\n\r\n') });
    });
    const send = async () => {
      const headBytes = Buffer.from(head, 'latin1');
      if (trickleMs === undefined) socket.write(headBytes);
      for (let i = 0; trickleMs !== undefined && i < headBytes.length && chunks.length === 0 && socket.writable; i++) {
        socket.write(headBytes.subarray(i, i + 1));
        await new Promise((resolve) => setTimeout(resolve, trickleMs));
      }
      for (let offset = 0; body && offset < body.length && chunks.length === 0 && socket.writable; offset += BODY_SLICE) {
        if (!socket.write(body.subarray(offset, offset + BODY_SLICE))) {
          await new Promise((drained) => socket.once('drain', drained).once('close', drained));
        }
      }
    };
    socket.on('connect', () => void send().catch((error: Error) => socket.destroy(error)));
  });
}
