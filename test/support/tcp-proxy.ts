import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder to a real server (the shared MariaDB) that a test can take away and bring back
 * on the same port, to make the server unreachable for one application only.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly target: { host: string; port: number },
    private port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
    await proxy.resume();
    return proxy;
  }

  get listeningPort(): number {
    return this.port;
  }

  /** Listens (again) on the same port. */
  async resume(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /**
   * Refuses new connections and leaves the open ones alone: a connection that is cut afterwards
   * stays cut, the others go on working. {@link resume} accepts again.
   */
  refuseNew(): void {
    this.server?.close();
    this.server = undefined;
  }

  /** Refuses new connections and cuts the open ones, as a server that went down would. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = once(server, 'close');
    server.close();
    this.sockets.forEach((socket) => socket.destroy());
    await closed;
  }
}
