import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';

/**
 * The one TypeORM configuration, shared by the application and the TypeORM CLI. Schema changes
 * go through migrations only: `synchronize` stays off.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'mysql',
    url: config.database.url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectTimeout: 5_000,
    entities: [join(__dirname, '..', '**', '*.entity.{js,ts}')],
    migrations: [join(__dirname, 'migrations', '*.{js,ts}')],
    migrationsTableName: 'migrations',
    synchronize: false,
  };
}
