import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { createClient } from '@keyv/redis';

const MYSQL_SERVER = 'mysql://root@127.0.0.1:3306';
const REDIS_SERVER = 'redis://127.0.0.1:6379';
/** Only databases with this prefix are ever dropped by the tests. */
const TEST_DATABASE_PREFIX = 'bt_e2e_';

/** A test run's own database and Redis key prefixes, and the variables that point the app at them. */
export interface TestEnvironment {
  readonly id: string;
  readonly env: Readonly<Record<string, string>>;
  /** Drops the database and deletes every Redis key of this run. */
  dispose(): Promise<void>;
}

export function createTestEnvironment(): TestEnvironment {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const database = `${TEST_DATABASE_PREFIX}${id}`;
  const cachePrefix = `e2e-cache-${id}`;
  const queuePrefix = `e2e-queue-${id}`;
  return {
    id,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `${MYSQL_SERVER}/${database}`,
      REDIS_URL: `${REDIS_SERVER}/0`,
      CACHE_KEY_PREFIX: cachePrefix,
      QUEUE_REDIS_URL: `${REDIS_SERVER}/1`,
      QUEUE_PREFIX: queuePrefix,
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      SHUTDOWN_GRACE_SECONDS: '10',
      // Tests send wrong tokens and many tasks on purpose, from one address; the throttles have
      // tests of their own, which set their limits.
      ADMIN_LOGIN_FAILURES_PER_MINUTE: '100000',
      TASK_ENQUEUES_PER_MINUTE: '1000000',
    },
    dispose: async () => {
      await dropDatabase(database);
      await deleteKeys(`${REDIS_SERVER}/0`, `${cachePrefix}*`);
      await deleteKeys(`${REDIS_SERVER}/1`, `${queuePrefix}*`);
    },
  };
}

async function dropDatabase(name: string): Promise<void> {
  if (!name.startsWith(TEST_DATABASE_PREFIX)) throw new Error(`Refusing to drop ${name}: not a test database`);
  const connection = await createConnection({ uri: MYSQL_SERVER });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
      if (keys.length > 0) await client.unlink(keys);
    }
  } finally {
    client.destroy();
  }
}
