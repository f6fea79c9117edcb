import type { LogLevel } from '../definition/types';
import type { EngineLimits } from '../limits';
import { serializeJson } from '../json';
import type { NewLogRecord } from '../model';
import { boundedText, printable } from '../text';

/** Categories are stored in a varchar(64). */
export const MAX_LOG_CATEGORY_CHARS = 64;
export const DEFAULT_LOG_CATEGORY = 'workflow';
export const SYSTEM_LOG_CATEGORY = 'system';

type LogInput = Omit<NewLogRecord, 'message' | 'data' | 'level' | 'category'> & {
  level: LogLevel;
  message: unknown;
  data: unknown;
  category: string;
};

/** Builds a stored log line; over-long messages and data are cut to the limits and marked. */
export function buildLogRecord(limits: EngineLimits, input: LogInput): NewLogRecord {
  return {
    ...input,
    message: boundedText(printable(input.message), { maxChars: limits.maxLogMessageChars }),
    category: normalizeLogCategory(input.category),
    data: serializeLogData(input.data, limits.maxLogDataBytes),
  };
}

/**
 * A category as it is stored, and as a history filter must be written to find it: the same
 * deterministic cut, without a mark, so filtering by the category a workflow used still matches.
 */
export function normalizeLogCategory(category: string): string {
  return boundedText(category, { maxChars: MAX_LOG_CATEGORY_CHARS, mark: false });
}

/** What workflow code asked for: `workflow` when it gave none, and never the engine's own `system`. */
export function userLogCategory(category: unknown): string {
  if (category === undefined || category === null || category === '') return DEFAULT_LOG_CATEGORY;
  const text = normalizeLogCategory(printable(category));
  return text === SYSTEM_LOG_CATEGORY ? DEFAULT_LOG_CATEGORY : text;
}

function serializeLogData(data: unknown, maxBytes: number): string | null {
  const serialized = serializeJson(data, maxBytes);
  if (serialized.ok) return serialized.text;
  // Keep what can be kept: a readable prefix and the reason, marked as truncated. A character
  // may take up to 6 bytes once JSON-escaped, hence the sixth.
  let preview: string;
  try {
    preview = JSON.stringify(data) ?? printable(data);
  } catch {
    preview = printable(data);
  }
  const room = Math.max(0, Math.floor(maxBytes / 6) - 256);
  return JSON.stringify({ truncated: true, reason: serialized.reason, preview: boundedText(preview, { maxChars: room, mark: false }) });
}
