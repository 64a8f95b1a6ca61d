import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Where the SQL text starts in a MySQL COM_QUERY packet: a 4-byte header, then the command byte. */
const QUERY_TEXT_OFFSET = 5;

/**
 * A TCP forwarder to MariaDB that the test can close (MySQL is "down") and open again on the same
 * port, or arm to cut itself at the worst moment for a write: right after MySQL has answered a
 * chosen statement, before the application can send another.
 */
export class TripwireProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private tripwire?: { statement: RegExp; tripped: () => void };

  private constructor(
    private readonly target: { host: string; port: number },
    private port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TripwireProxy> {
    const proxy = new TripwireProxy(target, 0);
    await proxy.resume();
    return proxy;
  }

  get listeningPort(): number {
    return this.port;
  }

  /** Listens (again) on the same port. */
  async resume(): Promise<void> {
    const server = createServer((client) => this.forward(client));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Resolves once MySQL has answered a statement that matches and every connection is cut. */
  arm(statement: RegExp): Promise<void> {
    return new Promise((tripped) => (this.tripwire = { statement, tripped }));
  }

  /** Refuses new connections and cuts the open ones, as a server that went down would. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.sockets.forEach((socket) => socket.destroy());
    if (!server) return;
    const closed = once(server, 'close');
    server.close();
    await closed;
  }

  private forward(client: Socket): void {
    const upstream = connect(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    let answerTrips = false;
    let ending = false;
    client.on('data', (chunk: Buffer) => {
      const wire = this.tripwire;
      if (wire && wire.statement.test(chunk.toString('latin1', QUERY_TEXT_OFFSET))) answerTrips = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!answerTrips) return void client.write(chunk);
      const wire = this.tripwire!;
      this.tripwire = undefined;
      // The application gets MySQL's answer, then the end of the connection (end, not destroy,
      // which could drop the answer); MySQL sees its side close and rolls back what is open.
      ending = true;
      this.sockets.delete(client);
      client.end(chunk);
      void this.stop().then(wire.tripped);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => ending || client.destroy());
  }
}
