import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { withTimeout } from '../cache/with-timeout';
import { AppConfig } from '../config/app-config';
import { readinessView } from './readiness-view';
import { METRICS_PATH } from './metrics-path';
import { PrometheusMetrics } from './prometheus-metrics';
import { ReadinessChecks } from './readiness-checks';

/** Each dependency gets this long to answer before readiness reports it down. */
const CHECK_TIMEOUT_MS = 1_000;
/** One dependency in the readiness report, in terminus's shape. */
interface CheckResult {
  readonly status: 'up' | 'down';
  readonly message?: string;
}

const LIVENESS_PATH = '/health';
const READINESS_PATH = '/health/ready';

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, statusCode: number, code: string, message: string): void {
  sendJson(response, statusCode, { statusCode, code, message });
}

/**
 * The private port, `METRICS_PORT`, of every role when it is set: `GET /metrics`, and the
 * probes `GET /health` (liveness: the event loop answers and the process is not shutting down) and
 * `GET /health/ready` (readiness: the broker answers and, where the process has a database, MySQL).
 * A worker or a beat has no other HTTP port, so this is where Kubernetes probes them. A plain
 * node:http server rather than a second Fastify, for three routes. It starts with the application
 * and closes on shutdown.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;
  private stopping = false;

  constructor(
    private readonly metrics: PrometheusMetrics,
    private readonly config: AppConfig,
    private readonly checks: ReadinessChecks,
  ) {}

  /** Where it serves the metrics, once started. */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/${METRICS_PATH}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    server.listen(this.config.metrics.port, this.config.http.host);
    await once(server, 'listening');
    this.logger.log(`Serving metrics on ${this.url}`);
  }

  /** From here on liveness answers 503: the process is on its way out, whatever it still finishes. */
  onModuleDestroy(): void {
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    const closed = once(server, 'close');
    server.close();
    // A scraper keeps its connection open between scrapes; close() alone would wait for it.
    server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { pathname } = new URL(request.url ?? '/', 'http://metrics.invalid');
    if (![`/${METRICS_PATH}`, LIVENESS_PATH, READINESS_PATH].includes(pathname)) {
      sendError(response, 404, 'NOT_FOUND', `Only /${METRICS_PATH}, ${LIVENESS_PATH} and ${READINESS_PATH} are served here`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      sendError(response, 405, 'METHOD_NOT_ALLOWED', `${pathname} answers GET only`);
      return;
    }
    if (pathname === LIVENESS_PATH) {
      sendJson(response, this.stopping ? 503 : 200, { status: this.stopping ? 'shutting_down' : 'ok' });
      return;
    }
    if (pathname === READINESS_PATH) {
      const report = await this.readiness();
      sendJson(response, report.status === 'ok' ? 200 : 503, readinessView(report, request.headers.authorization, this.config.admin.token));
      return;
    }
    try {
      const body = await this.metrics.scrape();
      response.writeHead(200, { 'content-type': this.metrics.contentType });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error({ err: error }, 'Could not collect the metrics');
      sendError(response, 500, 'INTERNAL_ERROR', 'Internal server error');
    }
  }

  /** Every check at once, each bounded; the report has terminus's shape, as the api's readiness. */
  private async readiness(): Promise<{ status: 'ok' | 'error'; details: Record<string, CheckResult> }> {
    const results: (readonly [string, CheckResult])[] = await Promise.all(
      this.checks.all().map(async ([name, ping]) => {
        try {
          await withTimeout(ping(), CHECK_TIMEOUT_MS, name);
          return [name, { status: 'up' }] as const;
        } catch (error) {
          return [name, { status: 'down', message: error instanceof Error ? error.message : String(error) }] as const;
        }
      }),
    );
    const details: Record<string, CheckResult> = Object.fromEntries(results);
    return { status: results.every(([, result]) => result.status === 'up') ? 'ok' : 'error', details };
  }
}
