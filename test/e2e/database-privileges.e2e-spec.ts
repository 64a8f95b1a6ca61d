import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { pollUntil } from '../support/poll';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** The privileges docker-compose gives the application's MySQL user. */
const INIT_SCRIPT = join(__dirname, '..', '..', 'docker', 'mysql-init', 'app-user.sh');

function composePrivileges(): string {
  const grant = /^GRANT (.+) ON /m.exec(readFileSync(INIT_SCRIPT, 'utf8'));
  if (!grant) throw new Error(`No GRANT statement in ${INIT_SCRIPT}`);
  return grant[1];
}

/**
 * The application as docker-compose runs it: as a user with only the privileges the compose init
 * script grants, on a database that does not exist yet. It must migrate, serve and run its tasks.
 */
describe('the app as its own MySQL user, with the privileges docker-compose grants (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let sut: TestApp;
  let root: Awaited<ReturnType<typeof createConnection>>;
  const user = `bt_app_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');

  beforeAll(async () => {
    environment = createTestEnvironment();
    const url = new URL(environment.env.DATABASE_URL);
    const database = url.pathname.slice(1);
    root = await createConnection({ uri: 'mysql://root@127.0.0.1:3306' });
    await root.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'`);
    await root.query(`GRANT ${composePrivileges()} ON \`${database}\`.* TO '${user}'@'127.0.0.1'`);
    url.username = user;
    url.password = password;
    sut = await startTestApp('api,worker', { ...environment.env, LOG_LEVEL: 'error', DATABASE_URL: url.href });
  });

  afterAll(async () => {
    await sut?.close();
    await root?.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
    await root?.end();
    await environment.dispose();
  });

  it('grants a fixed list of table privileges on the one database, nothing global', () => {
    expect(composePrivileges()).toBe('SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP');
  });

  it('creates the database, migrates it, and serves and changes banners as that user', async () => {
    const admin = { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const created = await fetch(`${sut.url}/api/admin/banners`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'Least privilege', image: '/media/banner/1.png', link: '/' }),
    });
    const { id } = (await created.json()) as { id: number };
    const patched = await fetch(`${sut.url}/api/admin/banners/${id}`, { method: 'PATCH', headers: admin, body: '{"orders":3}' });
    const deleted = await fetch(`${sut.url}/api/admin/banners/${id}`, {
      method: 'DELETE',
      headers: { authorization: admin.authorization },
    });

    expect([created.status, patched.status, deleted.status]).toEqual([201, 200, 204]);
  });

  it('runs the banner refresh task as that user', async () => {
    const refresh = await fetch(`${sut.url}/api/admin/cache/banners/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` },
    });
    const { taskId: id } = (await refresh.json()) as { taskId: string };

    const done = await pollUntil(
      async () =>
        (await (
          await fetch(`${sut.url}/api/admin/tasks/${id}`, { headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` } })
        ).json()) as { state: string },
      (task) => task.state === 'SUCCESS' || task.state === 'FAILURE',
      `task ${id} to finish`,
    );
    expect(done.state).toBe('SUCCESS');
  });
});
