import { dialectOf } from '../../persistence/data-source-options';
import { postgresTarget } from './database-description';

/** Socket errors that mean the database server could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

interface DriverError {
  code?: string;
  message?: string;
  errors?: DriverError[];
}

/**
 * Why start-up failed, in one line for the operator: what to fix, not where it was thrown.
 * Database errors name the database and where it was looked for.
 */
export function startupFailureMessage(error: unknown, databaseUrl: string | undefined): string {
  const failure = (error ?? {}) as DriverError;
  // Connecting to a name with several addresses (localhost) fails with one error per address.
  const code = failure.code ?? failure.errors?.find((inner) => inner.code)?.code;
  if (databaseUrl && dialectOf(databaseUrl) === 'postgres' && code) {
    const { host, port, database, user } = postgresTarget(databaseUrl);
    const where = `${host}:${port}`;
    if (code === '3D000') return `database "${database}" does not exist at ${where}`;
    if (UNREACHABLE.has(code)) return `cannot reach the database at ${where} (${code})`;
    if (code === '28P01' || code === '28000') return `the database at ${where} refused user "${user}" (${firstLine(failure.message)})`;
  }
  return firstLine(failure.message ?? String(error));
}

const firstLine = (text: string | undefined) => (text ?? '').split('\n')[0].trim() || 'unknown error';
