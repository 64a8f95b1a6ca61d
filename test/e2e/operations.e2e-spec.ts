import { expect } from '@jest/globals';
import { TasksService } from '../../src/tasks/tasks.service';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

interface OpenApiDocument {
  paths: Record<string, Record<string, { security?: Record<string, string[]>[]; responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe('operations: queue dashboard, OpenAPI and demo page (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let sut: TestApp;

  beforeAll(async () => {
    environment = createTestEnvironment();
    sut = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'error' });
  });

  afterAll(async () => {
    await sut.close();
    await environment.dispose();
  });

  describe('the queue dashboard at /admin/queues', () => {
    it('asks a browser to log in when no credentials come', async () => {
      const response = await fetch(`${sut.url}/admin/queues`);

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="queues", charset="UTF-8"');
      expect(await response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    });

    it.each([
      ['a wrong password', basic('admin', 'not-the-admin-token')],
      ['another user', basic('root', 'x')],
      ['the Bearer token of the admin routes', { authorization: 'Bearer x' }],
    ])('refuses %s, on its API and static files too', async (_, headers) => {
      for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
        const response = await fetch(`${sut.url}${path}`, { headers });
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
      }
    });

    it('shows every queue and its jobs to admin with ADMIN_TOKEN', async () => {
      const { id } = await sut.app.get(TasksService).delay('add', 10, 20);
      const admin = basic('admin', environment.env.ADMIN_TOKEN);

      const page = await fetch(`${sut.url}/admin/queues`, { headers: admin });
      const api = await fetch(`${sut.url}/admin/queues/api/queues?activeQueue=default&status=waiting`, { headers: admin });

      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(api.status).toBe(200);
      const { queues } = (await api.json()) as {
        queues: { name: string; readOnlyMode: boolean; jobs: { id: string; name: string; data: unknown }[] }[];
      };
      expect(queues.map((queue) => queue.name)).toEqual(['default', 'banner']);
      expect(queues[0].readOnlyMode).toBe(false);
      expect(queues[0].jobs).toEqual([expect.objectContaining({ id, name: 'add', data: expect.objectContaining({ args: [10, 20] }) })]);
    });

    it('leaves the other routes to their own authentication', async () => {
      expect((await fetch(`${sut.url}/api/health`)).status).toBe(200);
    });
  });

  describe('the queue dashboard without ADMIN_TOKEN', () => {
    let closed: TestApp;

    beforeAll(async () => {
      closed = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'error', ADMIN_TOKEN: '' });
    });

    afterAll(async () => {
      await closed.close();
    });

    it('is closed (503), whatever the credentials', async () => {
      const response = await fetch(`${closed.url}/admin/queues`, { headers: basic('admin', '') });

      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    });
  });

  describe('OpenAPI', () => {
    let document: OpenApiDocument;

    beforeAll(async () => {
      const response = await fetch(`${sut.url}/api/docs-json`);
      expect(response.status).toBe(200);
      document = (await response.json()) as OpenApiDocument;
    });

    it('documents every Nest route, under its real path', () => {
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining(['/api/health', '/api/health/ready', '/api/home/banners', '/metrics', '/api/admin/tasks/{id}']),
      );
      expect(Object.keys(document.paths['/api/health/ready'].get.responses)).toEqual(expect.arrayContaining(['200', '503']));
    });

    it('declares the Bearer scheme, puts the admin routes behind it and marks the others public', () => {
      expect(document.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      expect(document.paths['/api/admin/tasks/{id}'].get.security).toEqual([{ bearer: [] }]);
      expect(document.paths['/api/home/banners'].get.security).toEqual([]);
    });

    it('serves Swagger UI at /api/docs', async () => {
      const response = await fetch(`${sut.url}/api/docs`);

      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="swagger-ui"></div>');
    });
  });

  describe('the demo page', () => {
    it.each([
      ['/', /^text\/html/],
      ['/carousel.js', /^(text|application)\/javascript/],
      ['/styles.css', /^text\/css/],
    ])('serves %s from public/', async (path, type) => {
      const response = await fetch(`${sut.url}${path}`);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(type);
    });

    it('leaves /media to the banner images and unknown paths to the JSON 404', async () => {
      const image = await fetch(`${sut.url}/media/banner/1.png`);
      const unknown = await fetch(`${sut.url}/nothing-here.html`);

      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    });
  });
});
