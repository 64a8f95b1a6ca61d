import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkBasicCredentials } from '../auth/basic-credentials';
import type { ErrorBody } from '../common/error-body.response';
import { AppConfig } from '../config/app-config';
import { LoginThrottle } from '../security/login-throttle';
import { dashboardContentSecurityPolicy } from '../security/security-headers';
import { TaskBroker } from '../tasks/task-broker';

/** Outside the `/api` prefix: a page for people, not part of the REST API. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** The user name of the dashboard's Basic login; the password is ADMIN_TOKEN. */
export const QUEUE_DASHBOARD_USER = 'admin';

/** Makes a browser prompt for the login (and for another one after a wrong password). */
const CHALLENGE = 'Basic realm="queues", charset="UTF-8"';

function refuse(request: FastifyRequest, reply: FastifyReply, statusCode: 401 | 503, message: string): FastifyReply {
  const body: ErrorBody = {
    statusCode,
    code: statusCode === 401 ? 'UNAUTHORIZED' : 'SERVICE_UNAVAILABLE',
    message,
    requestId: String(request.id),
  };
  if (statusCode === 401) void reply.header('www-authenticate', CHALLENGE);
  return reply.code(statusCode).send(body);
}

/**
 * The queue dashboard, Celery's Flower for our Bull queues: bull-board at `/admin/queues`, with
 * every queue, its jobs, their data, results and failures, and the retry and remove actions.
 * Behind HTTP Basic auth (user `admin`, password ADMIN_TOKEN), which a browser can log in to; with
 * no ADMIN_TOKEN it is closed (503), like the admin routes.
 */
@Injectable()
export class QueueDashboard {
  constructor(
    private readonly broker: TaskBroker,
    private readonly config: AppConfig,
    private readonly loginThrottle: LoginThrottle,
  ) {}

  /** Registers the dashboard's routes on the api's Fastify instance; call it before `listen`. */
  mount(fastify: FastifyInstance): void {
    const board = new FastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: this.broker.dashboardQueues().map((queue) => new BullAdapter(queue, { readOnlyMode: false, allowRetries: true })),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'banner-tasks queues' } },
    });
    const password = this.config.admin.token;
    const contentSecurityPolicy = dashboardContentSecurityPolicy();
    // The hook sits in the dashboard's own plugin scope, so it guards its routes and nothing else.
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        void reply.header('content-security-policy', contentSecurityPolicy);
        if (!password) return refuse(request, reply, 503, 'The queue dashboard is disabled: ADMIN_TOKEN is not set');
        const check = () => checkBasicCredentials(request.headers.authorization, { user: QUEUE_DASHBOARD_USER, password });
        const verdict = await this.loginThrottle.check(request, reply, check);
        if (verdict === undefined) return reply;
        if (verdict === 'missing') return refuse(request, reply, 401, 'Log in as admin with ADMIN_TOKEN as the password');
        if (verdict === 'wrong') return refuse(request, reply, 401, 'Wrong user or password');
      });
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }
}
