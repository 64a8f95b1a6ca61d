import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bull';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * bull-board on a Fastify instance of its own that never listens: the api's instance stops taking
 * routes once it listens, and this one is built on the dashboard's first request
 * (QueueDashboard), so an api that nobody opens the dashboard on never loads bull-board.
 * The api's instance reaches it with `inject`, after its own hooks (login, headers, logs) ran.
 */
export async function buildQueueBoard(basePath: string, queues: readonly Queue[]): Promise<FastifyInstance> {
  const board = new FastifyAdapter();
  board.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullAdapter(queue, { readOnlyMode: false, allowRetries: true })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'banner-tasks queues' } },
  });
  // The api's instance logs every request. Both keep Fastify's router defaults: a path matches
  // here as it would have there.
  const instance = Fastify({ logger: false });
  await instance.register(board.registerPlugin(), { prefix: basePath });
  await instance.ready();
  return instance;
}
