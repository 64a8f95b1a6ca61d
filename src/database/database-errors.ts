import { AppError } from '../common/app-error';

/** mysql2 codes of a server that cannot be reached or a connection that was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/** Whether the error says MySQL is unreachable, as opposed to a query it refused. */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, fatal, driverError } = error as { code?: unknown; fatal?: unknown; driverError?: unknown };
  if (fatal === true || (typeof code === 'string' && CONNECTION_CODES.has(code))) return true;
  return driverError !== undefined && isDatabaseUnreachable(driverError);
}

/**
 * Runs a database call, turning "MySQL is unreachable" into AppError DATABASE_UNAVAILABLE (503)
 * so that callers can tell it from a bug; other errors pass through unchanged.
 */
export async function databaseCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isDatabaseUnreachable(error)) throw error;
    throw new AppError('DATABASE_UNAVAILABLE', 'The database is unavailable', 'unavailable');
  }
}
