import { createConnection } from 'mysql2/promise';
import { runSeed } from '../../src/database/seed';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const MEDIA_BASE_URL = 'https://media.example.test';

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
    const banners: Array<{ name: string; image: string }> = await response.json();

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
