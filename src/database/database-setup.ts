import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';

/**
 * Creates the database named by the URL when it does not exist yet, so that a first start
 * against an empty server works.
 */
export async function ensureDatabaseExists({ url, name }: AppConfig['database']): Promise<void> {
  const serverUrl = new URL(url);
  serverUrl.pathname = '/';
  const connection = await createConnection({ uri: serverUrl.href, connectTimeout: 5_000 });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

const MIGRATION_LOCK = 'banner_tasks.migrations';
const MIGRATION_LOCK_WAIT_SECONDS = 60;

/**
 * Runs pending migrations under a MySQL named lock, so that api replicas starting together do
 * not run the same migration twice (TypeORM takes no lock of its own on MySQL).
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    const [{ locked }] = (await runner.query('SELECT GET_LOCK(?, ?) AS locked', [MIGRATION_LOCK, MIGRATION_LOCK_WAIT_SECONDS])) as [
      { locked: number | string | null },
    ];
    if (Number(locked) !== 1) {
      throw new Error(`Another process held the migration lock for ${MIGRATION_LOCK_WAIT_SECONDS}s`);
    }
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
