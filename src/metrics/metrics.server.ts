import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { METRICS_PATH } from './metrics-path';
import { MetricsService } from './metrics.service';

function sendError(response: ServerResponse, statusCode: number, code: string, message: string): void {
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ statusCode, code, message }));
}

/**
 * `GET /metrics` on `METRICS_PORT` for a process that has no api (a worker or a beat), and nothing
 * else on that port: a plain node:http server rather than a second Fastify, since it serves one
 * route. It starts with the application and closes on shutdown.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
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
    if (pathname !== `/${METRICS_PATH}`) {
      sendError(response, 404, 'NOT_FOUND', `Only /${METRICS_PATH} is served here`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      sendError(response, 405, 'METHOD_NOT_ALLOWED', `/${METRICS_PATH} answers GET only`);
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
}
