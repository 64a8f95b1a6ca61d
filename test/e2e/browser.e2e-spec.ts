import { expect } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { HomeBanner } from '../../src/banner/dto/home-banner.response';
import { runSeed } from '../../src/seed';
import { TasksService } from '../../src/tasks/tasks.service';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import { freePort } from '../support/free-port';
import { jsonBody, parseJson } from '../support/json-body';
import { pollUntil } from '../support/poll';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** Git-ignored; a screenshot of each page is left there for a person to look at. */
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe('in a real browser: demo page, queue dashboard and OpenAPI (e2e, Chromium, MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let sut: TestApp;
  let browser: Browser;
  let url: string;
  /** The carousel as the API serves it: what the page must show. */
  let banners: { name: string; image: string }[];

  beforeAll(async () => {
    environment = createTestEnvironment();
    // Before anything starts, so a machine without Chromium fails at once, in one line saying what
    // to install or set.
    const executablePath = findChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    const env = { ...environment.env, LOG_LEVEL: 'warn', PORT: String(port), MEDIA_BASE_URL: `http://127.0.0.1:${port}` };
    await runSeed(env);
    sut = await startTestApp('api,worker', env);
    url = sut.url!;
    banners = await jsonBody<HomeBanner[]>(await fetch(`${url}/api/home/banners`));
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await environment.dispose();
  });

  describe('the demo page', () => {
    let page: Page;

    beforeAll(async () => {
      page = await browser.newPage({ viewport: { width: 1200, height: 720 } });
      // The page's timers run on a clock the test moves, so the carousel advances only when told.
      await page.clock.install();
    });

    afterAll(async () => {
      await page.close();
    });

    it('shows the carousel with every banner image loaded, named by its alt text', async () => {
      await page.goto(`${url}/`);

      const images = page.locator('.slide img');
      await images.first().waitFor({ state: 'attached' });
      await page.waitForFunction(() =>
        [...document.querySelectorAll<HTMLImageElement>('.slide img')].every((image) => image.complete && image.naturalWidth > 0),
      );
      expect(banners).toHaveLength(3);
      expect(await images.evaluateAll((all) => all.map((image) => (image as HTMLImageElement).alt))).toEqual(
        banners.map((banner) => banner.name),
      );
      expect(await images.evaluateAll((all) => all.map((image) => (image as HTMLImageElement).src))).toEqual(
        banners.map((banner) => banner.image),
      );
      expect(banners[0].image).toMatch(new RegExp(`^${url}/media/banner/\\d+\\.png$`));
      await expect(page.locator('.slide.current img').getAttribute('alt')).resolves.toBe(banners[0].name);
      await expect(page.locator('.status').textContent()).resolves.toBe('3 banners, loaded (200).');
      await screenshot(page, 'demo-page');
    });

    it('advances to the next banner every 5 s, and back to the first after the last', async () => {
      const current = page.locator('.slide.current img');

      await page.clock.runFor(5_000);
      await expect(current.getAttribute('alt')).resolves.toBe(banners[1].name);

      await page.clock.runFor(10_000);
      await expect(current.getAttribute('alt')).resolves.toBe(banners[0].name);
    });

    it('revalidates with If-None-Match on reload and shows the stored banners on 304', async () => {
      const stored = parseJson<{ etag: string } | null>(
        (await page.evaluate(() => localStorage.getItem('banner-tasks:home-banners'))) ?? 'null',
      );

      const [response] = await Promise.all([
        page.waitForResponse((candidate) => candidate.url() === `${url}/api/home/banners`),
        page.reload(),
      ]);

      expect(stored).toMatchObject({ etag: expect.stringMatching(/^"/) });
      expect(response.request().headers()['if-none-match']).toBe(stored?.etag);
      expect(response.status()).toBe(304);
      await page.locator('body[data-banners-from="stored"]').waitFor();
      expect(await page.locator('.slide img').count()).toBe(banners.length);
      await expect(page.locator('.status').textContent()).resolves.toBe('3 banners, unchanged (304), shown from the stored copy.');
    });
  });

  describe('the queue dashboard', () => {
    it('refuses a browser without credentials', async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const refused = page.waitForResponse(`${url}/admin/queues`);

        // With no credentials to answer the challenge, Chromium gives up the navigation itself.
        await expect(page.goto(`${url}/admin/queues`)).rejects.toThrow('net::ERR_INVALID_AUTH_CREDENTIALS');

        const response = await refused;
        expect(response.status()).toBe(401);
        expect(response.headers()['www-authenticate']).toBe('Basic realm="queues", charset="UTF-8"');
      } finally {
        await context.close();
      }
    });

    it('lists the queue and a completed add task once logged in', async () => {
      const tasks = sut.app.get(TasksService);
      const { id } = await tasks.delay('add', 10, 20);
      const done = await pollUntil(
        () => tasks.result(id),
        (status) => status.state === 'SUCCESS' || status.state === 'FAILURE',
        `task ${id} to finish`,
      );
      expect(done).toMatchObject({ state: 'SUCCESS', result: 30 });
      const context = await browser.newContext({
        httpCredentials: { username: 'admin', password: environment.env.ADMIN_TOKEN },
        viewport: { width: 1280, height: 800 },
      });
      try {
        const page = await context.newPage();

        const overview = await page.goto(`${url}/admin/queues`);
        expect(overview?.status()).toBe(200);
        await page.getByRole('main').getByRole('link', { name: 'default', exact: true }).waitFor();
        await screenshot(page, 'queue-dashboard-overview');

        await page.goto(`${url}/admin/queues/queue/default?status=completed`);
        await page.getByText(id, { exact: true }).waitFor();
        await expect(page.getByRole('heading', { name: 'add', exact: true }).isVisible()).resolves.toBe(true);
        const returned = page.getByRole('treeitem').filter({ hasText: /^returnValue:/ });
        await expect(returned.textContent()).resolves.toBe('returnValue:30');
        await screenshot(page, 'queue-dashboard');
      } finally {
        await context.close();
      }
    });
  });

  describe('the OpenAPI page', () => {
    it('lists the routes', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      try {
        await page.goto(`${url}/api/docs`);

        await page.locator('.opblock').first().waitFor();
        const paths = await page.locator('.opblock-summary-path').allTextContents();
        expect(paths).toEqual(expect.arrayContaining(['/api/health', '/api/health/ready', '/api/home/banners', '/metrics']));
        await screenshot(page, 'openapi');
      } finally {
        await page.close();
      }
    });
  });
});
