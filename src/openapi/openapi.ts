import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI; the document itself is at `/api/docs-json`. */
export const OPENAPI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = `${OPENAPI_PATH}-json`;

const DESCRIPTION = [
  'A cached REST API (the homepage banner carousel) and Celery-style background tasks.',
  '',
  'Admin routes take `Authorization: Bearer <ADMIN_TOKEN>` (Authorize button above).',
  'Also served, for operators: the queue dashboard at [/admin/queues](/admin/queues) (HTTP Basic, user',
  '`admin`, password ADMIN_TOKEN) and Prometheus metrics at [/metrics](/metrics) (Bearer ADMIN_TOKEN;',
  'on the private METRICS_PORT instead when it is set).',
].join('\n');

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Marks every operation that names no security scheme as public (`security: []`): only
 * `@AdminOnly()` routes need one, and clients' tools read a missing `security` as "unknown",
 * not as "none" (redocly's `security-defined` rule).
 */
export function markPublicOperations(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = path[method];
      if (operation) operation.security ??= [];
    }
  }
  return document;
}

/**
 * Serves the OpenAPI document of every Nest route and Swagger UI over it. The document is built on
 * the first request, from the controllers' decorators and, in a `nest build`, what the
 * @nestjs/swagger CLI plugin (nest-cli.json) reads from the DTOs' types and comments.
 */
export function setUpOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('banner-tasks')
    .setDescription(DESCRIPTION)
    .setLicense('MIT', 'https://opensource.org/license/mit')
    // Relative: the server that serves the document, whatever name a client reached it by.
    .addServer('/', 'This server')
    // Named `bearer`, the name @ApiBearerAuth() (in @AdminOnly()) refers to by default.
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' })
    .build();
  SwaggerModule.setup(OPENAPI_PATH, app, () => markPublicOperations(SwaggerModule.createDocument(app, config)), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    customSiteTitle: 'banner-tasks API',
    // No call to the public validator.swagger.io: the page must work on a closed network. The
    // admin token is not kept in localStorage, where any script on this origin could read it.
    swaggerOptions: { validatorUrl: null, persistAuthorization: false },
  });
}
