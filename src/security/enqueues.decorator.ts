import { RouteConfig } from '@nestjs/platform-fastify';

/** Marks a route that enqueues a task: it counts against the TASK_ENQUEUES_PER_MINUTE ceiling. */
export const Enqueues = () => RouteConfig({ enqueues: true });
