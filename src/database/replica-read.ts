import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { isDatabaseUnreachable } from './database-errors';

/** Where a read goes: a replica (may lag behind) or the primary (sees every committed write). */
export type ReadSource = 'replica' | 'primary';

/** mysql2's PoolCluster codes when no replica is left to try (each failed and is out for a while). */
const NO_REPLICA_CODES = new Set(['POOL_NONEONLINE', 'POOL_NOEXIST']);

const logger = new Logger('ReplicaRead');

function replicaUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isDatabaseUnreachable(error) || (typeof code === 'string' && NO_REPLICA_CODES.has(code));
}

/**
 * Runs a read on a replica (DATABASE_REPLICA_URLS) or on the primary. Without replicas both are
 * the primary. A replica that cannot be reached costs the primary the read, not an error: it
 * runs again on the primary, and the replica sits out for a while (see dataSourceOptions).
 */
export async function readFrom<T>(source: ReadSource, dataSource: DataSource, read: (manager: EntityManager) => Promise<T>): Promise<T> {
  const replicated = 'replication' in dataSource.options && dataSource.options.replication !== undefined;
  if (source === 'primary' || !replicated) return read(dataSource.manager);
  const runner = dataSource.createQueryRunner('slave');
  try {
    return await read(runner.manager);
  } catch (error) {
    if (!replicaUnavailable(error)) throw error;
    logger.warn(`No database replica answered (${(error as Error).message}): reading from the primary`);
    return read(dataSource.manager);
  } finally {
    await runner.release();
  }
}
