import type { DatabaseErrorKind } from '../connection/database-errors';

/** Socket-level failures, from Node or pg, which carry no SQLSTATE. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const CONNECTION_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended/i;

/** What a `pg` error means (see DatabaseErrorKind). */
export function postgresErrorKind(error: unknown): DatabaseErrorKind {
  const code = codeOf(error);
  if (code === '40001' || code === '40P01' || code === '55P03') return 'conflict';
  // 08 connection exception, 25P03 idle-in-transaction timeout, 53 insufficient resources,
  // 57 operator intervention (admin shutdown, statement timeout), 58 system error.
  if (code && (/^(08|53|57|58)/.test(code) || code === '25P03')) return 'unavailable';
  // 22 data exception, 23 integrity constraint, 54 program limit exceeded.
  if (code && /^(22|23|54)/.test(code)) return 'data';
  if ((code && NETWORK_CODES.has(code)) || CONNECTION_MESSAGES.test(messageOf(error))) return 'unavailable';
  return 'other';
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
