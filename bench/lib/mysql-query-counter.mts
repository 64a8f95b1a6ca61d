import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** MySQL's COM_QUERY command byte: a text query follows (what TypeORM's mysql2 driver sends). */
const COM_QUERY = 0x03;

/**
 * A TCP forwarder to MariaDB that reads the client side of the MySQL protocol and counts the
 * queries that match: it counts what any number of api processes send, and only theirs (MariaDB's
 * `Com_select` counts every user of the shared server). Packets are a 3-byte length, a sequence
 * byte, then the payload; without TLS or compression, which the bench's URLs do not ask for.
 */
export class MysqlQueryCounter {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly pattern: RegExp;
  private readonly target: { host: string; port: number };
  count = 0;
  port = 0;

  constructor(target: { host: string; port: number }, pattern: RegExp) {
    this.target = target;
    this.pattern = pattern;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      let pending: Buffer = Buffer.alloc(0);
      client.on('data', (chunk: Buffer) => {
        upstream.write(chunk);
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        while (pending.length >= 4) {
          const length = pending.readUIntLE(0, 3);
          if (pending.length < 4 + length) break;
          if (pending[4] === COM_QUERY && this.pattern.test(pending.toString('utf8', 5, 4 + length))) this.count++;
          pending = pending.subarray(4 + length);
        }
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = once(server, 'close');
    server.close();
    this.sockets.forEach((socket) => socket.destroy());
    await closed;
  }
}

/** The home list query: a SELECT on `banners`. */
export const BANNER_SELECT = /^\s*SELECT\b[\s\S]*\bFROM `banners`/i;
