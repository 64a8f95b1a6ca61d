/**
 * Fastify's floor: a bare Fastify server, no plugin and no hook, whose one route answers with the
 * bytes of the real cached `GET /api/home/banners` response, as the ceiling does on `node:http`.
 * The share of the ceiling it reaches is what the framework leaves to the api's own work.
 */
import Fastify from 'fastify';
import { serveRequests } from '../lib/ipc.mts';
import type { CeilingResponse } from './ceiling-server.mts';

serveRequests(async (body) => {
  const { status, headers, body: text } = body as CeilingResponse;
  const bytes = Buffer.from(text);
  const app = Fastify();
  app.get('/api/home/banners', (_request, reply) => reply.code(status).headers(headers).send(bytes));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
});
