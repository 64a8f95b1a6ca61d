import { expect } from '@jest/globals';
import type { AdminBanner } from '../../src/banner/dto/admin-banner.response';
import type { BannerPage } from '../../src/banner/dto/banner-page.response';
import type { HomeBanner } from '../../src/banner/dto/home-banner.response';
import type { ErrorBody } from '../../src/common/error-body.response';
import { BannerRows } from '../support/banner-rows';
import { jsonBody, parseJson } from '../support/json-body';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const MEDIA_BASE_URL = 'https://media.example.test';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The body of a 400 VALIDATION_FAILED: one message per broken rule. */
type ValidationBody = ErrorBody & { details: string[] };

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

describe('/api/admin banners and cache (e2e, real MariaDB, Redis and worker)', () => {
  let environment: TestEnvironment;
  let sut: TestApp;
  let rows: BannerRows;
  let token: string;

  /**
   * Sends a JSON request; `auth` is the whole Authorization header, `null` for none. `T` is the body
   * the test expects back, an error body unless told.
   */
  const call = async <T = ErrorBody>(
    method: string,
    path: string,
    body?: unknown,
    auth: string | null = `Bearer ${token}`,
  ): Promise<Answer<T>> => {
    const headers: Record<string, string> = {};
    if (auth !== null) headers.authorization = auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${sut.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? parseJson<T>(text) : (undefined as T) };
  };

  const homeNames = async (): Promise<string[]> => {
    const response = await fetch(`${sut.url}/api/home/banners`);
    return (await jsonBody<HomeBanner[]>(response)).map((banner) => banner.name);
  };

  /** Polls the home list until it is what is expected, or fails after the deadline with the last one seen. */
  const expectHomeWithin = async (expected: string[], timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let names = await homeNames();
    while (JSON.stringify(names) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      names = await homeNames();
    }
    expect(names).toEqual(expected);
  };

  const valid = { name: 'Spring sale', image: '/media/banner/1.png', link: 'https://example.com/sale' };

  beforeAll(async () => {
    environment = createTestEnvironment();
    token = environment.env.ADMIN_TOKEN;
    // 4xx answers are logged at warn level, and this file sends many on purpose.
    sut = await startTestApp('api,worker', { ...environment.env, LOG_LEVEL: 'error', MEDIA_BASE_URL, BANNER_COUNT: '3' });
    rows = await BannerRows.open(environment.env.DATABASE_URL);
  });

  beforeEach(async () => {
    await rows.clear();
    await call('DELETE', '/api/admin/cache/banners');
  });

  afterAll(async () => {
    await sut?.close();
    await rows?.close();
    await environment.dispose();
  });

  describe('authorization', () => {
    const routes: Array<[string, string, number, unknown]> = [
      ['GET', '/api/admin/banners', 200, undefined],
      ['POST', '/api/admin/banners', 201, valid],
      ['GET', '/api/admin/banners/:id', 200, undefined],
      ['PATCH', '/api/admin/banners/:id', 200, { orders: 3 }],
      ['DELETE', '/api/admin/banners/:id', 204, undefined],
      ['POST', '/api/admin/cache/banners/refresh', 202, undefined],
      ['DELETE', '/api/admin/cache/banners', 204, undefined],
    ];

    it.each(routes)('%s %s: 401 without a token, 403 with a wrong one, %i with the right one', async (method, route, ok, body) => {
      const id = await rows.insert({ name: 'guarded' });
      const path = route.replace(':id', String(id));

      const missing = await call(method, path, body, null);
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });

      expect((await call(method, path, body, 'Basic YWRtaW46YWRtaW4=')).status).toBe(401);

      const wrong = await call(method, path, body, `Bearer ${token.slice(0, -1)}x`);
      expect(wrong.status).toBe(403);
      expect(wrong.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      expect((await rows.find(id))?.is_delete).toBe(0);

      expect((await call(method, path, body)).status).toBe(ok);
    });
  });

  describe('banners', () => {
    it('stores text at the full length of its columns, in any script', async () => {
      const body = { ...valid, name: '😀'.repeat(64), link: `/${'é'.repeat(254)}`, info: '横'.repeat(1024) };

      const created = await call<AdminBanner>('POST', '/api/admin/banners', body);

      expect(created.status).toBe(201);
      expect(created.body).toMatchObject(body);
    });

    it('creates a banner with the defaults and answers it with the seed field names', async () => {
      const created = await call<AdminBanner>('POST', '/api/admin/banners', valid);

      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        ...valid,
        info: '',
        orders: 0,
        is_show: true,
        is_delete: false,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(await rows.find(created.body.id)).toMatchObject({ name: 'Spring sale', is_show: 1, is_delete: 0 });
    });

    it('reads one banner, hidden or deleted ones too', async () => {
      const id = await rows.insert({ name: 'hidden', is_show: false, is_delete: true, orders: 4, info: 'why' });

      const answer = await call('GET', `/api/admin/banners/${id}`);

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id, name: 'hidden', info: 'why', orders: 4, is_show: false, is_delete: true });
    });

    it('lists every banner by id, a page at a time, with the total', async () => {
      const ids: number[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e']) ids.push(await rows.insert({ name, is_show: name !== 'b' }));

      const first = await call<BannerPage>('GET', '/api/admin/banners?limit=2');
      const last = await call<BannerPage>('GET', '/api/admin/banners?page=3&limit=2');
      const all = await call('GET', '/api/admin/banners');

      expect(first.body).toMatchObject({ page: 1, limit: 2, total: 5 });
      expect(first.body.items.map((banner) => banner.id)).toEqual(ids.slice(0, 2));
      expect(first.body.items[1]).toMatchObject({ name: 'b', is_show: false });
      expect(last.body.items.map((banner) => banner.id)).toEqual(ids.slice(4));
      expect(all.body).toMatchObject({ page: 1, limit: 20, total: 5 });
    });

    it('updates only the fields sent', async () => {
      const id = await rows.insert({ name: 'old', link: '/old', orders: 1 });

      const answer = await call('PATCH', `/api/admin/banners/${id}`, { name: 'new', is_show: false });

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id, name: 'new', link: '/old', orders: 1, is_show: false, is_delete: false });
    });

    it('deletes softly: the row stays with is_delete = true, and deleting again changes nothing', async () => {
      const id = await rows.insert({ name: 'doomed' });

      const deleted = await call('DELETE', `/api/admin/banners/${id}`);

      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect(await rows.find(id)).toMatchObject({ name: 'doomed', is_delete: 1 });
      expect((await call('GET', `/api/admin/banners/${id}`)).body).toMatchObject({ is_delete: true });
      expect((await call('DELETE', `/api/admin/banners/${id}`)).status).toBe(204);
    });

    it.each([
      ['GET', undefined],
      ['PATCH', { orders: 1 }],
      ['DELETE', undefined],
    ])('%s of an unknown id is a 404 BANNER_NOT_FOUND', async (method, body) => {
      for (const id of ['999999', '9999999999']) {
        const answer = await call(method, `/api/admin/banners/${id}`, body);

        expect(answer.status).toBe(404);
        expect(answer.body).toMatchObject({ statusCode: 404, code: 'BANNER_NOT_FOUND', requestId: expect.any(String) });
      }
    });

    it.each([['abc'], ['1.5'], ['1e3'], ['0x10'], ['-1'], ['0'], ['007'], ['12345678901']])('refuses the id %j with a 400', async (id) => {
      const answer = await call('GET', `/api/admin/banners/${id}`);

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.stringMatching(/^id must/)] });
    });

    it.each([['page=0'], ['limit=0'], ['limit=101'], ['page=abc'], ['page=1.5'], ['sort=name']])(
      'refuses the list query %s with a 400',
      async (query) => {
        const answer = await call('GET', `/api/admin/banners?${query}`);

        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      },
    );
  });

  describe('bad bodies', () => {
    const long = (length: number) => 'x'.repeat(length);

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['no name', { image: valid.image, link: valid.link }, /^name must be/],
      ['a blank name', { ...valid, name: '   ' }, /^name must be 1 to 64 characters long/],
      ['a name of 65 characters', { ...valid, name: long(65) }, /^name must be 1 to 64 characters long/],
      ['a name of 80 characters that looks like 40', { ...valid, name: '❤️'.repeat(40) }, /^name must be 1 to 64 characters long/],
      ['a name that is a number', { ...valid, name: 42 }, /^name must be a string/],
      ['an image that is not a path', { ...valid, image: 'banner.png' }, /^image must be an image path/],
      ['an image path that climbs', { ...valid, image: '/media/../../etc/passwd.png' }, /^image must be an image path/],
      ['an image that is not a picture', { ...valid, image: '/media/banner/1.exe' }, /^image must be an image path/],
      ['an image URL', { ...valid, image: 'https://example.com/1.png' }, /^image must be an image path/],
      ['a javascript: link', { ...valid, link: 'javascript:alert(1)' }, /^link must be an http\(s\) URL or a path/],
      ['a protocol-relative link', { ...valid, link: '//evil.example/x' }, /^link must be an http\(s\) URL or a path/],
      ['a link of 256 characters', { ...valid, link: `/${long(255)}` }, /^link must be at most 255 characters long/],
      ['info of 1025 characters', { ...valid, info: long(1025) }, /^info must be at most 1024 characters long/],
      ['orders as a string', { ...valid, orders: '5' }, /^orders must be an integer/],
      ['fractional orders', { ...valid, orders: 1.5 }, /^orders must be an integer/],
      ['orders beyond the range', { ...valid, orders: 1_000_001 }, /^orders must not be greater than 1000000/],
      ['is_show as a string', { ...valid, is_show: 'yes' }, /^is_show must be a boolean/],
      ['null info', { ...valid, info: null }, /^info must be a string/],
      ['an unknown field', { ...valid, color: 'red' }, /^property color should not exist/],
      ['a read-only id', { ...valid, id: 7 }, /^property id should not exist/],
      ['a read-only is_delete', { ...valid, is_delete: true }, /^property is_delete should not exist/],
      ['a read-only created_at', { ...valid, created_at: '2020-01-01' }, /^property created_at should not exist/],
    ])('POST with %s is a 400 naming the field', async (_, body, message) => {
      const answer = await call<ValidationBody>('POST', '/api/admin/banners', body);

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(answer.body.details).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    });

    it('reports every bad field at once', async () => {
      const answer = await call<ValidationBody>('POST', '/api/admin/banners', { name: '', image: 'x', link: 'y', orders: 'z' });

      expect(answer.status).toBe(400);
      expect(answer.body.details.map((message) => message.split(' ')[0])).toEqual(
        expect.arrayContaining(['name', 'image', 'link', 'orders']),
      );
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['a null name', { name: null }, /^name must be/],
      ['a null is_show', { is_show: null }, /^is_show must be a boolean/],
      ['a read-only updated_at', { updated_at: '2020-01-01' }, /^property updated_at should not exist/],
      ['a bad link', { link: 'ftp://example.com' }, /^link must be/],
    ])('PATCH with %s is a 400 naming the field', async (_, body, message) => {
      const id = await rows.insert();

      const answer = await call<ValidationBody>('PATCH', `/api/admin/banners/${id}`, body);

      expect(answer.status).toBe(400);
      expect(answer.body.details).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    });

    it('refuses a body that is not JSON with a 400', async () => {
      const answer = await call('POST', '/api/admin/banners', '{"name": ');

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400 });
    });

    it.each([
      ['a JSON array', [valid]],
      ['a JSON string', '"banner"'],
    ])('refuses %s as a body with a 400', async (_, body) => {
      expect((await call('POST', '/api/admin/banners', body)).status).toBe(400);
    });
  });

  describe('the public list follows every write within 1 s (update_banner_list on a worker)', () => {
    it('after a create, an update and a delete', async () => {
      await rows.insert({ name: 'existing', orders: 1 });
      await expectHomeWithin(['existing'], 1_000);

      const created = await call<AdminBanner>('POST', '/api/admin/banners', { ...valid, name: 'fresh', orders: 10 });
      await expectHomeWithin(['fresh', 'existing'], 1_000);

      await call('PATCH', `/api/admin/banners/${created.body.id}`, { orders: 0 });
      await expectHomeWithin(['existing', 'fresh'], 1_000);

      await call('PATCH', `/api/admin/banners/${created.body.id}`, { is_show: false });
      await expectHomeWithin(['existing'], 1_000);

      await call('PATCH', `/api/admin/banners/${created.body.id}`, { is_show: true });
      await expectHomeWithin(['existing', 'fresh'], 1_000);

      await call('DELETE', `/api/admin/banners/${created.body.id}`);
      await expectHomeWithin(['existing'], 1_000);
    });
  });

  describe('cache routes', () => {
    it('POST refresh answers 202 with a task id, and the worker then stores the current list', async () => {
      const id = await rows.insert({ name: 'before' });
      await expectHomeWithin(['before'], 1_000);
      await rows.update(id, { name: 'changed behind the cache' });
      expect(await homeNames()).toEqual(['before']);

      const answer = await call('POST', '/api/admin/cache/banners/refresh');

      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ taskId: expect.stringMatching(UUID) });
      await expectHomeWithin(['changed behind the cache'], 1_000);
    });

    it('DELETE answers 204, and the next read is a MISS', async () => {
      await rows.insert({ name: 'cached' });
      await fetch(`${sut.url}/api/home/banners`);
      expect((await fetch(`${sut.url}/api/home/banners`)).headers.get('x-cache')).toBe('HIT');

      const answer = await call('DELETE', '/api/admin/cache/banners');

      expect(answer.status).toBe(204);
      expect((await fetch(`${sut.url}/api/home/banners`)).headers.get('x-cache')).toBe('MISS');
    });
  });
});
