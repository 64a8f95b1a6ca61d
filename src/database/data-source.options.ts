import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';
import type { AppConfig } from '../config/app-config';

/** How long a replica that failed to connect sits out before it is tried again. */
const REPLICA_RETRY_MS = 10_000;

/**
 * With DATABASE_REPLICA_URLS: TypeORM replication over mysql2's PoolCluster. Everything goes to the
 * primary (`defaultMode: 'master'`) unless a read asks for a replica (see readFrom), so that no
 * write is followed by a read of a replica that has not caught up. One failed connection takes a
 * replica out for REPLICA_RETRY_MS; mysql2's defaults (5 failures, then out until restart)
 * would retry a dead replica five times per read and then lose it for good.
 */
function connection({ url, replicaUrls }: AppConfig['database']): Pick<MysqlDataSourceOptions, 'url' | 'replication'> {
  if (replicaUrls.length === 0) return { url };
  return {
    replication: {
      master: { url },
      slaves: replicaUrls.map((replica) => ({ url: replica })),
      defaultMode: 'master',
      removeNodeErrorCount: 1,
      restoreNodeTimeout: REPLICA_RETRY_MS,
    },
  };
}

/**
 * The one TypeORM configuration, shared by the application and the TypeORM CLI. Schema changes
 * go through migrations only: `synchronize` stays off. Migrations and the CLI use the primary.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'mysql',
    ...connection(config.database),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectTimeout: 5_000,
    entities: [join(__dirname, '..', '**', '*.entity.{js,ts}')],
    migrations: [join(__dirname, 'migrations', '*.{js,ts}')],
    migrationsTableName: 'migrations',
    synchronize: false,
  };
}
