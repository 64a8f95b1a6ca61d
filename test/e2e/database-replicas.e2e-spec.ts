import { createConnection } from 'mysql2/promise';
import { BannerCacheService } from '../../src/banner/banner-cache.service';
import { BannerRows } from '../support/banner-rows';
import { freePort } from '../support/free-port';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const MYSQL_SERVER = 'mysql://root@127.0.0.1:3306';

/**
 * The "replica" is another database on the same server, filled with other rows than the primary:
 * which rows come back tells which one a read went to.
 */
describe('DATABASE_REPLICA_URLS (e2e, real MariaDB)', () => {
  let environment: TestEnvironment;
  let replicaDatabase: string;
  let app: TestApp;
  let primary: BannerRows;
  let replica: BannerRows;

  const home = () => fetch(`${app.url}/api/home/banners`);
  const names = async (response: Response) => ((await response.json()) as { name: string }[]).map(({ name }) => name);

  beforeAll(async () => {
    environment = createTestEnvironment();
    replicaDatabase = `${new URL(environment.env.DATABASE_URL).pathname.slice(1)}_replica`;
    app = await startTestApp('api', {
      ...environment.env,
      LOG_LEVEL: 'warn',
      DATABASE_REPLICA_URLS: `${MYSQL_SERVER}/${replicaDatabase}`,
    });
    const server = await createConnection({ uri: MYSQL_SERVER });
    try {
      await server.query(`CREATE DATABASE \`${replicaDatabase}\``);
      await server.query(
        `CREATE TABLE \`${replicaDatabase}\`.banners LIKE \`${new URL(environment.env.DATABASE_URL).pathname.slice(1)}\`.banners`,
      );
    } finally {
      await server.end();
    }
    primary = await BannerRows.open(environment.env.DATABASE_URL);
    replica = await BannerRows.open(`${MYSQL_SERVER}/${replicaDatabase}`);
    await primary.insert({ name: 'on the primary', orders: 1 });
    await replica.insert({ name: 'on the replica', orders: 1 });
  });

  afterAll(async () => {
    await app?.close();
    await primary?.close();
    await replica?.close();
    const server = await createConnection({ uri: MYSQL_SERVER });
    try {
      await server.query(`DROP DATABASE IF EXISTS \`${replicaDatabase}\``);
    } finally {
      await server.end();
    }
    await environment.dispose();
  });

  it('reads the public banner list from the replica on a cache miss', async () => {
    const response = await home();

    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(await names(response)).toEqual(['on the replica']);
  });

  it('writes to the primary and reads admin pages there, so an admin sees their write at once', async () => {
    const headers = { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ name: 'written', image: '/media/banner/1.png', link: '/courses', orders: 2 });

    const created = await fetch(`${app.url}/api/admin/banners`, { method: 'POST', headers, body });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    expect(await primary.find(id)).toMatchObject({ name: 'written' });
    expect(await replica.find(id)).toBeUndefined();
    expect((await fetch(`${app.url}/api/admin/banners/${id}`, { headers })).status).toBe(200);
  });

  it('refreshes the cached list from the primary, so a lagging replica cannot bring the old list back', async () => {
    await app.app.get(BannerCacheService).refresh();

    const response = await home();
    expect(response.headers.get('x-cache')).toBe('HIT');
    expect(await names(response)).toEqual(['written', 'on the primary']);
  });

  it('runs migrations on the primary only', async () => {
    const server = await createConnection({ uri: MYSQL_SERVER });
    try {
      const [tables] = await server.query(`SHOW TABLES FROM \`${replicaDatabase}\``);
      expect((tables as Record<string, string>[]).map((row) => Object.values(row)[0])).toEqual(['banners']);
    } finally {
      await server.end();
    }
  });

  it('reads from the primary when no replica answers', async () => {
    const deadReplica = `mysql://root@127.0.0.1:${await freePort()}/${replicaDatabase}`;
    const sut = await startTestApp('api', {
      ...environment.env,
      LOG_LEVEL: 'error',
      CACHE_KEY_PREFIX: `${environment.env.CACHE_KEY_PREFIX}-dead-replica`,
      MIGRATIONS_RUN: 'false',
      DATABASE_REPLICA_URLS: deadReplica,
    });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await fetch(`${sut.url}/api/admin/cache/banners`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` },
        });
        expect(response.status).toBeLessThan(300);
        const read = await fetch(`${sut.url}/api/home/banners`);
        expect(read.status).toBe(200);
        expect(await names(read)).toEqual(['written', 'on the primary']);
      }
    } finally {
      await sut.close();
    }
  });
});
