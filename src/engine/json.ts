/**
 * Values that cross the durability boundary (params, step results, event payloads, outputs) are
 * stored as JSON text. Workflow code always gets back the parsed copy, on the first run as on a
 * replay, so both paths see exactly the same value.
 */

import { toErrorInfo } from './errors';

export const ONE_MIB = 1024 * 1024;

export type SerializeResult = { ok: true; text: string | null } | { ok: false; reason: string };

/** `undefined` serialises to `null` text (SQL NULL), which reads back as `undefined`. */
export function serializeJson(value: unknown, maxBytes: number): SerializeResult {
  if (value === undefined) return { ok: true, text: null };
  const kind = typeof value;
  if (kind === 'function' || kind === 'symbol' || kind === 'bigint') {
    return { ok: false, reason: `a ${kind} is not JSON-serialisable` };
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return { ok: false, reason: `not JSON-serialisable: ${toErrorInfo(error).message}` };
  }
  // A `toJSON` may answer undefined, a function or a symbol: nothing JSON can hold.
  if (typeof text !== 'string') return { ok: false, reason: 'not JSON-serialisable: it serialises to nothing' };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return { ok: false, reason: `${bytes} bytes serialised, over the ${maxBytes}-byte limit` };
  return { ok: true, text };
}

export function parseJson(text: string | null | undefined): unknown {
  return text === null || text === undefined ? undefined : JSON.parse(text);
}
