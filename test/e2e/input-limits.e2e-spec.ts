import { expect } from '@jest/globals';
import { jsonBody } from '../support/json-body';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const ONE_DAY_S = 86_400;
const VALID_BANNER = { name: 'Spring sale', image: '/media/banner/1.png', link: '/sale' };

/** Text fields and task limits over HTTP, on an in-process api against the real MariaDB and Redis. */
describe('input limits: text fields, task horizons and argument sizes (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let sut: TestApp;

  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${sut.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await jsonBody<Record<string, unknown>>(response) };
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    sut = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'error' });
  });

  afterAll(async () => {
    await sut?.close();
    await environment.dispose();
  });

  describe('text fields', () => {
    const refused: [field: string, value: string][] = [
      ['name', 'Sale\u0000'],
      ['name', 'Sale\u001b[31m'],
      ['name', 'Sale\nnow'],
      ['name', 'Sale \u202e%05'],
      ['image', '/media/banner/\u202egnp.png'],
      ['link', '/sale\u0007'],
      ['link', '/sale\u2066x\u2069'],
      ['info', 'a\u0000b'],
      ['info', 'a\rb'],
      ['info', 'Read \u202etxt.exe'],
    ];

    it.each(refused)('refuses a control character or bidi override in %s (%j) with a 400 naming it', async (field, value) => {
      const created = await call('POST', '/api/admin/banners', { ...VALID_BANNER, [field]: value });

      expect(created.status).toBe(400);
      expect(created.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: expect.arrayContaining([expect.stringMatching(new RegExp(`^${field} must not contain`))]),
      });
    });

    it('refuses them in a PATCH too, and in a task name', async () => {
      const created = await call('POST', '/api/admin/banners', VALID_BANNER);
      const patched = await call('PATCH', `/api/admin/banners/${String(created.body.id)}`, { name: 'a\u0000' });
      const enqueued = await call('POST', '/api/admin/tasks', { name: 'add\u0000', args: [1, 2] });

      expect(patched.body).toMatchObject({ statusCode: 400, details: [expect.stringMatching(/^name must not contain/)] });
      expect(enqueued.body).toMatchObject({ statusCode: 400, details: [expect.stringMatching(/^name must not contain/)] });
    });

    it('keeps tab and newline in info, and right-to-left marks anywhere, exactly as sent', async () => {
      const banner = { ...VALID_BANNER, name: 'מבצע\u200f אביב', info: 'Line one\n\tLine two' };

      const created = await call('POST', '/api/admin/banners', banner);
      const read = await fetch(`${sut.url}/api/admin/banners/${String(created.body.id)}`, {
        headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` },
      });

      expect(created.status).toBe(201);
      expect(await read.json()).toMatchObject({ name: banner.name, info: banner.info });
    });
  });

  describe('task horizons and sizes', () => {
    it('accepts a countdown of exactly TASK_MAX_DELAY (30 days by default)', async () => {
      await expect(call('POST', '/api/admin/tasks', { name: 'add', args: [1, 2], countdown: 30 * ONE_DAY_S })).resolves.toMatchObject({
        status: 202,
      });
    });

    it.each([
      ['a countdown', { countdown: 30 * ONE_DAY_S + 1 }, 'countdown is more than 30 days ahead (TASK_MAX_DELAY)'],
      ['an eta', { eta: new Date(Date.now() + 31 * ONE_DAY_S * 1000).toISOString() }, 'eta is more than 30 days ahead (TASK_MAX_DELAY)'],
    ])('refuses %s beyond TASK_MAX_DELAY with a 400', async (_, timing, message) => {
      const answer = await call('POST', '/api/admin/tasks', { name: 'add', args: [1, 2], ...timing });

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'TASK_INVALID_SCHEDULE', message });
    });

    it('refuses arguments over TASK_MAX_ARGS_BYTES (64 KiB by default) with a 413, and takes them just under', async () => {
      const around = JSON.stringify({ args: [''], kwargs: {} }).length;
      const under = await call('POST', '/api/admin/tasks', { name: 'test_task', args: ['x'.repeat(65_536 - around)], countdown: 60 });
      const over = await call('POST', '/api/admin/tasks', { name: 'test_task', args: ['x'.repeat(65_536 - around + 1)], countdown: 60 });

      expect(under.status).toBe(202);
      expect(over.status).toBe(413);
      expect(over.body).toMatchObject({ code: 'TASK_ARGS_TOO_LARGE', message: expect.stringContaining('TASK_MAX_ARGS_BYTES (65536)') });
    });
  });
});
