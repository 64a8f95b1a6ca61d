import { expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MainProcess } from '../support/main-process';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface Schema {
  $ref?: string;
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  description?: string;
  maximum?: number;
}

interface Operation {
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters: { name: string; in: string; description?: string }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * What `@AdminOnly()` adds to every admin route: no token, wrong token, too many failed logins, no
 * ADMIN_TOKEN configured.
 */
const ADMIN = ['401', '403', '429', '503'];

/** Every operation of the api, its tag, and every status code it answers. */
const ROUTES: [operation: string, tag: string, statuses: string[]][] = [
  ['GET /api/health', 'health', ['200']],
  ['GET /api/health/ready', 'health', ['200', '503']],
  ['GET /metrics', 'operations', ['200', ...ADMIN]],
  ['GET /api/home/banners', 'home', ['200', '304', '503']],
  ['GET /api/admin/banners', 'banners', ['200', '400', ...ADMIN]],
  ['POST /api/admin/banners', 'banners', ['201', '400', ...ADMIN]],
  ['GET /api/admin/banners/{id}', 'banners', ['200', '400', '404', ...ADMIN]],
  ['PATCH /api/admin/banners/{id}', 'banners', ['200', '400', '404', ...ADMIN]],
  ['DELETE /api/admin/banners/{id}', 'banners', ['204', '400', '404', ...ADMIN]],
  ['POST /api/admin/cache/banners/refresh', 'banner cache', ['202', ...ADMIN]],
  ['DELETE /api/admin/cache/banners', 'banner cache', ['204', ...ADMIN]],
  ['POST /api/admin/tasks', 'tasks', ['200', '202', '400', '404', '413', '422', ...ADMIN]],
  ['GET /api/admin/tasks', 'tasks', ['200', '400', ...ADMIN]],
  ['GET /api/admin/tasks/{id}', 'tasks', ['200', '404', ...ADMIN]],
  ['DELETE /api/admin/tasks/{id}', 'tasks', ['200', '400', '404', '409', ...ADMIN]],
  ['GET /api/admin/schedules', 'schedules', ['200', ...ADMIN]],
  ['POST /api/admin/workflows', 'workflows', ['200', '202', '400', '422', ...ADMIN]],
  ['GET /api/admin/workflows/{id}', 'workflows', ['200', '404', ...ADMIN]],
  ['DELETE /api/admin/workflows/{id}', 'workflows', ['200', '404', '409', ...ADMIN]],
];

const CACHE_HEADERS = ['X-Cache', 'ETag', 'Cache-Control'];

/** Redocly's CLI, run by this Node; no telemetry or update check (the network may be closed). */
const REDOCLY = join(__dirname, '..', '..', 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

/** `redocly lint` with its recommended rules, on the document as served. */
async function lint(document: unknown): Promise<LintReport> {
  const directory = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  try {
    const file = join(directory, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [REDOCLY, 'lint', '--extends=recommended', '--lint-config=off', '--format=json', file],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return JSON.parse(stdout) as LintReport;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * The document of the BUILT app: the @nestjs/swagger CLI plugin, which turns the DTOs' and
 * response classes' types and TSDoc into schemas, runs only in `nest build`, never under ts-jest.
 */
describe('the OpenAPI document of node dist/main (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let sut: MainProcess;
  let document: OpenApiDocument;
  const operations: [string, Operation][] = [];

  const operation = (name: string): Operation => {
    const found = operations.find(([candidate]) => candidate === name);
    if (!found) throw new Error(`${name} is not in the document`);
    return found[1];
  };

  /** The component a `$ref` names; fails on a dangling one. */
  const resolve = (schema: Schema): Schema => {
    if (!schema.$ref) return schema;
    const target = document.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`${schema.$ref} is not among the components`);
    return target;
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    sut = new MainProcess(['--role=api'], environment.env);
    const url = await sut.ready();
    const response = await fetch(`${url}/api/docs-json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, details] of Object.entries(methods)) operations.push([`${method.toUpperCase()} ${path}`, details]);
    }
  });

  afterAll(async () => {
    await sut.stop();
    await environment.dispose();
  });

  it('documents every route, and no other', () => {
    expect(operations.map(([name]) => name).sort()).toEqual(ROUTES.map(([name]) => name).sort());
  });

  it.each(ROUTES)('documents %s under the tag %j with exactly the status codes %j', (name, tag, statuses) => {
    const { tags, responses } = operation(name);

    expect(tags).toEqual([tag]);
    expect(Object.keys(responses).sort()).toEqual([...statuses].sort());
  });

  it('describes every 2xx body with a schema that has properties, never a bare object', () => {
    const hasProperties = (schema: Schema) =>
      Object.keys(resolve(schema.type === 'array' ? schema.items! : schema).properties ?? {}).length > 0;
    const withBody = (status: string) => status.startsWith('2') && status !== '204';
    const answers = operations.flatMap(([name, { responses }]) =>
      Object.entries(responses)
        .filter(([status]) => withBody(status))
        .map(([status, { content }]) => ({ answer: `${name} → ${status}`, content })),
    );

    const withoutSchema = answers
      .filter(({ content }) => !content || (content['application/json'] && !hasProperties(content['application/json'].schema)))
      .map(({ answer }) => answer);

    expect(answers.map(({ answer }) => answer).sort()).toEqual(
      ROUTES.flatMap(([name, , statuses]) => statuses.filter(withBody).map((status) => `${name} → ${status}`)).sort(),
    );
    expect(withoutSchema).toEqual([]);
  });

  it('answers every error with the JSON error body, but readiness with its health report', () => {
    const errorBody = resolve({ $ref: '#/components/schemas/ErrorBody' });
    const errors = operations
      .filter(([name]) => name !== 'GET /api/health/ready')
      .flatMap(([name, { responses }]) =>
        Object.entries(responses)
          .filter(([status]) => Number(status) >= 400)
          .map(([status, { content }]) => ({ answer: `${name} → ${status}`, schema: content?.['application/json']?.schema })),
      );

    expect(Object.keys(errorBody.properties!)).toEqual(expect.arrayContaining(['statusCode', 'code', 'message', 'details', 'requestId']));
    expect(errors.filter(({ schema }) => schema?.$ref !== '#/components/schemas/ErrorBody')).toEqual([]);
  });

  it('puts the admin routes and the metrics, and only those, behind the bearer scheme, and says the others are public', () => {
    const needsToken = (name: string) => name.includes(' /api/admin/') || name === 'GET /metrics';
    expect(operations.map(([name, { security }]) => ({ name, security }))).toEqual(
      operations.map(([name]) => ({ name, security: needsToken(name) ? [{ bearer: [] }] : [] })),
    );
  });

  it('passes redocly lint with its recommended rules: no error, for the tools clients generate from it', async () => {
    const report = await lint(document);

    const errors = report.problems
      .filter((problem) => problem.severity === 'error')
      .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it('documents the caching of the home endpoint: If-None-Match, the 304 and the headers', () => {
    const { parameters, responses } = operation('GET /api/home/banners');

    expect(parameters).toEqual([expect.objectContaining({ name: 'If-None-Match', in: 'header' })]);
    expect(Object.keys(responses['200'].headers ?? {})).toEqual(CACHE_HEADERS);
    expect(Object.keys(responses['304'].headers ?? {})).toEqual(CACHE_HEADERS);
    expect(responses['304'].content).toBeUndefined();
  });

  it('documents the query and path parameters of the admin routes', () => {
    const names = (name: string) => operation(name).parameters.map((parameter) => `${parameter.in}:${parameter.name}`);

    expect(names('GET /api/admin/banners')).toEqual(['query:page', 'query:limit']);
    expect(names('PATCH /api/admin/banners/{id}')).toEqual(['path:id']);
    expect(names('GET /api/admin/tasks')).toEqual(['query:state', 'query:name', 'query:limit']);
    expect(names('DELETE /api/admin/tasks/{id}')).toEqual(['path:id', 'query:terminate']);
    expect(names('POST /api/admin/tasks')).toEqual(['header:Idempotency-Key']);
    expect(names('POST /api/admin/workflows')).toEqual(['header:Idempotency-Key']);
  });

  it('documents the time limits of an enqueue and the terminate of a revoke', () => {
    const { properties = {} } = resolve({ $ref: '#/components/schemas/EnqueueTaskDto' });
    const terminate = operation('DELETE /api/admin/tasks/{id}').parameters.find((parameter) => parameter.name === 'terminate');

    for (const option of ['softTimeLimit', 'timeLimit']) {
      expect(properties[option]).toMatchObject({ type: 'number', maximum: 2_147_483, description: expect.stringContaining('Seconds') });
    }
    expect(terminate?.description).toContain("Celery's `revoke(terminate=True)`");
  });
});
