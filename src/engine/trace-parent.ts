/**
 * W3C Trace Context `traceparent` values (https://www.w3.org/TR/trace-context/#traceparent-header):
 * `version-traceid-parentid-flags` in lowercase hex. The engine stores one with an instance so that
 * tracing, which lives outside the engine, can make the instance's runs children of the request
 * that created it. Plain string handling: the engine knows nothing of any tracing library.
 */
export interface TraceParent {
  traceId: string;
  spanId: string;
  /** The trace flags byte (bit 0: sampled). */
  flags: number;
}

const TRACE_PARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** The fields of a valid `traceparent`, or null for anything else (which callers ignore). */
export function parseTraceParent(value: unknown): TraceParent | null {
  if (typeof value !== 'string') return null;
  const match = TRACE_PARENT.exec(value.trim());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is forbidden; version 00 has exactly four fields; later versions may append fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return null;
  return { traceId, spanId, flags: parseInt(flags, 16) };
}

export function formatTraceParent({ traceId, spanId, flags }: TraceParent): string {
  return `00-${traceId}-${spanId}-${flags.toString(16).padStart(2, '0')}`;
}

/** A valid `traceparent` in the version-00 form that is stored, or null when `value` is not one. */
export function normalizeTraceParent(value: unknown): string | null {
  const parsed = parseTraceParent(value);
  return parsed ? formatTraceParent(parsed) : null;
}

/** The longest stored value: a version-00 `traceparent`. */
export const TRACE_PARENT_LENGTH = 55;
