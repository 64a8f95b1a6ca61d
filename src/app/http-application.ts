import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { answerClientError, HttpErrorFilter } from '../common/http-error.filter';
import { jsonBodyParser } from '../common/json-body-parser';
import { SchemaFirstValidationPipe } from '../common/schema-first-validation.pipe';
import { CachedRoutes } from '../cache/cached-routes';
import type { LoadedConfig } from '../config/config.module';
import { QueueDashboard } from '../dashboard/queue-dashboard';
import { AccessLog, logAccess } from '../logging/access-log';
import { echoRequestId, genRequestId } from '../logging/request-id';
import { instrumentHttp } from '../metrics/http-metrics';
import { METRICS_PATH } from '../metrics/metrics-path';
import { metricsOnPublicPort } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { setUpOpenApi } from '../openapi/openapi';
import { HttpSecurity } from '../security/http-security';
import { serverLimits } from '../security/server-limits';
import { answerHitsEarly } from './early-hits';
import { type EarlyAnswer, httpServerFactory } from './http-server';

export const GLOBAL_PREFIX = 'api';

/** `public/` at the repository root: the demo home page, served at `/`. */
const PUBLIC_ROOT = join(__dirname, '..', '..', 'public');

/** `media/` at the repository root: the images banners point at, served as `/media/...`. */
const MEDIA_ROOT = join(__dirname, '..', '..', 'media');
const MEDIA_PREFIX = '/media/';
const ONE_HOUR_MS = 3_600_000;

/**
 * Starts the root module as the api's HTTP application on Fastify, listening on HTTP_HOST:PORT.
 * Required only by a process that plays `api` (see bootstrap.ts).
 */
export async function startHttpApplication(
  rootModule: Parameters<typeof NestFactory.create>[0],
  loaded: LoadedConfig,
  logger: Logger,
  options: { readonly bufferLogs: boolean; readonly abortOnError: boolean },
): Promise<{ app: NestFastifyApplication; url: string }> {
  // One filter answers every error, also those Fastify and Node's HTTP parser raise before Nest
  // sees the request.
  const errorFilter = new HttpErrorFilter();
  const answerError = (error: unknown, request: FastifyRequest, reply: FastifyReply) => errorFilter.answer(error, request, reply);
  // Set once the cached routes are known (below).
  const early: { answer?: EarlyAnswer } = {};
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    new FastifyAdapter({
      return503OnClosing: true,
      genReqId: genRequestId,
      frameworkErrors: answerError,
      clientErrorHandler: answerClientError,
      ...serverLimits(loaded.config.http),
      serverFactory: httpServerFactory(early),
    }),
    options,
  );
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies keep Fastify's limit of 1 MiB (413 beyond); JSON ones also a nesting limit.
  app.useBodyParser('application/json', {}, jsonBodyParser(fastify));
  const security = app.get(HttpSecurity);
  const metrics = app.get(MetricsService);
  const access = new AccessLog(logger);
  security.addSecurityHeaders(fastify);
  echoRequestId(fastify);
  logAccess(fastify, access, await app.resolve(PinoLogger));
  instrumentHttp(fastify, metrics);
  // Before any route: admin authentication and throttles are Fastify hooks.
  security.register(fastify, {
    adminPaths: metricsOnPublicPort(loaded.config) ? [`/${METRICS_PATH}`] : [],
    sharedPrefix: MEDIA_PREFIX,
  });
  app.useLogger(app.get(NestPinoLogger));
  app.setGlobalPrefix(GLOBAL_PREFIX, { exclude: [METRICS_PATH] });
  app.useStaticAssets({ root: MEDIA_ROOT, prefix: MEDIA_PREFIX, maxAge: ONE_HOUR_MS });
  // One route per file (no wildcard), so unknown paths stay Nest's JSON 404s; a second
  // @fastify/static must not decorate the reply again.
  app.useStaticAssets({ root: PUBLIC_ROOT, prefix: '/', wildcard: false, decorateReply: false });
  app.useGlobalFilters(errorFilter);
  app.useGlobalPipes(new SchemaFirstValidationPipe());
  setUpOpenApi(app);
  app.get(QueueDashboard).mount(fastify);
  const cachedRoutes = app.get(CachedRoutes);
  cachedRoutes.mount(fastify, GLOBAL_PREFIX, answerError);
  early.answer = answerHitsEarly(fastify, { routes: cachedRoutes, securityHeaders: security.headers, access, metrics });
  const { host, port } = loaded.config.http;
  await app.listen(port, host);
  return { app, url: await app.getUrl() };
}
