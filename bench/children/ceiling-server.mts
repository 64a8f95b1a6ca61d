/**
 * The ceiling: a bare `node:http` server that answers every request with the bytes of the real
 * cached `GET /api/home/banners` response (status, headers, body), handed over by the bench.
 * What the api reaches at best on this machine under the same load.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { serveRequests } from '../lib/ipc.mts';

export interface CeilingResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

serveRequests(async (body) => {
  const { status, headers, body: text } = body as CeilingResponse;
  const bytes = Buffer.from(text);
  const server = createServer((_request, response) => {
    response.writeHead(status, headers);
    response.end(bytes);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
});
