import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { HomeBanner } from '../../src/banner/dto/home-banner.response';
import { runSeed } from '../../src/seed';
import { jsonBody } from '../support/json-body';
import type { MainProcess } from '../support/main-process';
import { mainProcessSuite } from '../support/main-process-suite';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const MEDIA_BASE_URL = 'https://media.example.test';
const ROOT = join(__dirname, '..', '..');
const BUILD_STEP = 'npm run build && ';

/** `npm start` as package.json says, after its build step (the e2e script has just built). */
function startScriptAfterBuild(): string {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  if (!scripts.start.startsWith(BUILD_STEP)) throw new Error(`npm start no longer begins with "${BUILD_STEP}": ${scripts.start}`);
  return scripts.start.slice(BUILD_STEP.length);
}

async function bannerImages(databaseUrl: string): Promise<string[]> {
  const mysql = await createConnection({ uri: databaseUrl });
  try {
    const [rows] = await mysql.query('SELECT image FROM banners ORDER BY image');
    return (rows as { image: string }[]).map((row) => row.image);
  } finally {
    await mysql.end();
  }
}

describe('npm run seed (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let env: Record<string, string>;
  let api: TestApp | undefined;

  beforeAll(() => {
    environment = createTestEnvironment();
    env = { ...environment.env, LOG_LEVEL: 'warn', MEDIA_BASE_URL };
  });

  afterAll(async () => {
    await api?.close();
    await environment.dispose();
  });

  it('creates the schema and the demo banners on an empty server, and adds nothing the second time', async () => {
    await expect(runSeed(env)).resolves.toEqual({ inserted: 4, existing: 0 });
    await expect(runSeed(env)).resolves.toEqual({ inserted: 0, existing: 4 });

    const mysql = await createConnection({ uri: env.DATABASE_URL });
    const [rows] = await mysql.query('SELECT image, COUNT(*) AS copies FROM banners GROUP BY image ORDER BY image');
    await mysql.end();
    expect(rows).toEqual([1, 2, 3, 4].map((n) => ({ image: `/media/banner/${n}.png`, copies: 1 })));
  });

  it('leaves the home list cached, and the api serves the pictures it points at', async () => {
    api = await startTestApp('api', env);

    const response = await fetch(`${api.url}/api/home/banners`);
    const banners = await jsonBody<HomeBanner[]>(response);

    expect(response.headers.get('x-cache')).toBe('HIT');
    expect(banners.map((banner) => banner.name)).toEqual(['Free courses', 'Python', 'Celery + Redis']);
    for (const { image } of banners) {
      expect(image.startsWith(`${MEDIA_BASE_URL}/media/banner/`)).toBe(true);
      const picture = await fetch(`${api.url}${image.slice(MEDIA_BASE_URL.length)}`);
      expect(picture.status).toBe(200);
      expect(picture.headers.get('content-type')).toBe('image/png');
    }
  });
});

describe('npm start on a fresh database (e2e, real MariaDB and Redis)', () => {
  const SEEDED_LINE = /^The banners table was empty: inserted 4 demo banners$/;
  const suite = mainProcessSuite();
  let sut: MainProcess | undefined;

  /** Runs the start script as npm would, until the service is ready; returns its base URL. */
  const start = async (): Promise<string> => {
    sut = suite.start([], {}, { command: ['sh', '-c', startScriptAfterBuild()], cwd: ROOT, group: true });
    const url = await sut.ready();
    if (!url) throw new Error('npm start serves no HTTP');
    return url;
  };

  it('inserts the demo banners first when the table is empty, says so in one line, and serves them', async () => {
    const url = await start();

    const seeded = sut!.lines.filter((line) => SEEDED_LINE.test(line));
    expect(seeded).toHaveLength(1);
    expect(sut!.lines.indexOf(seeded[0])).toBeLessThan(sut!.lines.findIndex((line) => line.includes('"msg":"Ready')));
    await expect(bannerImages(suite.environment().env.DATABASE_URL)).resolves.toEqual([1, 2, 3, 4].map((n) => `/media/banner/${n}.png`));
    const banners = await jsonBody<HomeBanner[]>(await fetch(`${url}/api/home/banners`));
    expect(banners.map((banner) => banner.name)).toEqual(['Free courses', 'Python', 'Celery + Redis']);
  });

  it('leaves a table that has rows untouched and prints no seed line', async () => {
    const mysql = await createConnection({ uri: suite.environment().env.DATABASE_URL });
    await mysql.query("DELETE FROM banners WHERE image <> '/media/banner/2.png'");
    await mysql.end();

    await start();

    expect(sut!.lines.filter((line) => /banners table|Demo banners/.test(line))).toEqual([]);
    await expect(bannerImages(suite.environment().env.DATABASE_URL)).resolves.toEqual(['/media/banner/2.png']);
  });
});
