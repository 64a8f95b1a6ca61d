import { type Browser, type BrowserContext, chromium, type Page, type Response } from 'playwright-core';
import { runSeed } from '../../src/seed';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import { freePort } from '../support/free-port';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const CSP_MESSAGE = /Content Security Policy|Content-Security-Policy/i;

/** Every CSP violation a page reports: on the console, and as `securitypolicyviolation` events. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (message) => {
    if (CSP_MESSAGE.test(message.text())) console.push(message.text());
  });
  // An init script runs outside the page's CSP, so it sees violations even of script-src.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))];
}

function expectSecurityHeaders(response: Response | null): void {
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['content-security-policy']).toContain("script-src 'self'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('security headers in a real browser: the pages work under the CSP (e2e, Chromium, MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let sut: TestApp;
  let browser: Browser;
  let url: string;
  let context: BrowserContext;

  beforeAll(async () => {
    environment = createTestEnvironment();
    // Before anything starts, so a machine without Chromium fails at once, in one line saying what
    // to install or set.
    const executablePath = findChromium();
    const port = await freePort();
    const env = { ...environment.env, LOG_LEVEL: 'warn', PORT: String(port), MEDIA_BASE_URL: `http://127.0.0.1:${port}` };
    await runSeed(env);
    sut = await startTestApp('api', env);
    url = sut.url!;
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  });

  beforeEach(async () => {
    context = await browser.newContext({ httpCredentials: { username: 'admin', password: environment.env.ADMIN_TOKEN } });
  });

  afterEach(async () => {
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await environment.dispose();
  });

  it('the demo page loads its script, styles and banner images with no CSP violation', async () => {
    const page = await context.newPage();
    const violations = await watchViolations(page);

    const response = await page.goto(`${url}/`);
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('.slide img')];
      return images.length === 3 && images.every((image) => image.complete && image.naturalWidth > 0);
    });

    expectSecurityHeaders(response);
    await expect(page.locator('.status').textContent()).resolves.toBe('3 banners, loaded (200).');
    await expect(violations()).resolves.toEqual([]);
  });

  it('Swagger UI renders the routes with no CSP violation, and does not keep the admin token in localStorage', async () => {
    const page = await context.newPage();
    const violations = await watchViolations(page);

    const response = await page.goto(`${url}/api/docs`);
    await page.locator('.opblock').first().waitFor();
    await page.locator('.btn.authorize').first().click();
    await page.locator('.auth-container input').fill(environment.env.ADMIN_TOKEN);
    await page.locator('.auth-btn-wrapper .btn.modal-btn.auth.authorize').click();
    await page.locator('.auth-btn-wrapper .btn-done').click();

    expectSecurityHeaders(response);
    await expect(page.locator('.btn.authorize.locked').count()).resolves.toBeGreaterThan(0);
    await expect(page.evaluate(() => Object.keys(localStorage))).resolves.toEqual([]);
    await expect(violations()).resolves.toEqual([]);
  });

  it('the queue dashboard renders the queues with no CSP violation', async () => {
    const page = await context.newPage();
    const violations = await watchViolations(page);

    const response = await page.goto(`${url}/admin/queues`);
    await page.getByRole('main').getByRole('link', { name: 'default', exact: true }).waitFor();

    expectSecurityHeaders(response);
    expect(response?.headers()['content-security-policy']).toContain('https://fonts.googleapis.com');
    await expect(violations()).resolves.toEqual([]);
  });

  it('another site cannot put the queue dashboard in a frame', async () => {
    const page = await context.newPage();
    const refused = page.waitForEvent('console', (message) => /frame-ancestors 'none'/.test(message.text()));

    await page.setContent(`<iframe src="${url}/admin/queues"></iframe>`);

    expect((await refused).text()).toContain(`Framing '${url}/' violates the following Content Security Policy directive`);
  });
});
