import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, InjectOptions } from 'fastify';
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

/** Headers of the connection, which the api's own server sets; not forwarded either way. */
const CONNECTION_HEADERS = new Set(['connection', 'date', 'keep-alive', 'transfer-encoding']);
/** The body is forwarded as parsed, so its length is counted again. */
const REQUEST_HEADERS_LEFT_OUT = new Set([...CONNECTION_HEADERS, 'content-length']);

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
 *
 * bull-board is loaded on the first request under `/admin/queues` (about 2 MB of heap that an api
 * nobody opens it on does without, BENCHMARKS.md): routes cannot be added to Fastify once it
 * listens, so two catch-all routes forward to bull-board's own instance (queue-board.ts).
 */
@Injectable()
export class QueueDashboard {
  constructor(
    private readonly broker: TaskBroker,
    private readonly config: AppConfig,
    private readonly loginThrottle: LoginThrottle,
  ) {}

  private board?: Promise<FastifyInstance>;

  /** Registers the dashboard's routes on the api's Fastify instance; call it before `listen`. */
  mount(fastify: FastifyInstance): void {
    const password = this.config.admin.token;
    const contentSecurityPolicy = dashboardContentSecurityPolicy();
    // The hooks sit in the dashboard's own plugin scope, so they guard its routes and nothing else.
    void fastify.register((scope, _options, done) => {
      // A path bull-board does not serve is the api's 404, before any login, as for any unknown path.
      scope.addHook('onRequest', async (request, reply) => {
        const board = await this.loadBoard();
        if (!board.findRoute({ method: request.method, url: request.url })) return reply.callNotFound();
      });
      scope.addHook('onRequest', async (request, reply) => {
        void reply.header('content-security-policy', contentSecurityPolicy);
        if (!password) return refuse(request, reply, 503, 'The queue dashboard is disabled: ADMIN_TOKEN is not set');
        const check = () => checkBasicCredentials(request.headers.authorization, { user: QUEUE_DASHBOARD_USER, password });
        const verdict = await this.loginThrottle.check(request, reply, check);
        if (verdict === undefined) return reply;
        if (verdict === 'missing') return refuse(request, reply, 401, 'Log in as admin with ADMIN_TOKEN as the password');
        if (verdict === 'wrong') return refuse(request, reply, 401, 'Wrong user or password');
      });
      const forward = (request: FastifyRequest, reply: FastifyReply) => this.forward(request, reply);
      scope.all(QUEUE_DASHBOARD_PATH, forward);
      scope.all(`${QUEUE_DASHBOARD_PATH}/*`, forward);
      done();
    });
  }

  private loadBoard(): Promise<FastifyInstance> {
    if (!this.board) {
      // Required here, not at the top: see the class's comment.
      const { buildQueueBoard } = require('./queue-board') as typeof import('./queue-board');
      this.board = buildQueueBoard(QUEUE_DASHBOARD_PATH, this.broker.dashboardQueues());
    }
    return this.board;
  }

  /** Has bull-board answer the request, whose body the api's instance has parsed, and sends its answer. */
  private async forward(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const board = await this.loadBoard();
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !REQUEST_HEADERS_LEFT_OUT.has(name)));
    const { body } = request;
    const answer = await board.inject({
      method: request.method as InjectOptions['method'],
      url: request.url,
      headers,
      payload: body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      remoteAddress: request.ip,
    });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!CONNECTION_HEADERS.has(name) && value !== undefined) void reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  }
}
