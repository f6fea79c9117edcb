import type { LogLevel } from '../definition/types';
import type { EngineLimits } from '../limits';
import { serializeJson, truncate } from '../json';
import type { NewLogRecord } from '../model';

const TRUNCATED_MARK = ' …[truncated]';

type LogInput = Omit<NewLogRecord, 'message' | 'data' | 'level'> & { level: LogLevel; message: unknown; data: unknown };

/** Builds a stored log line; over-long messages and data are cut to the limits and marked. */
export function buildLogRecord(limits: EngineLimits, input: LogInput): NewLogRecord {
  const text = typeof input.message === 'string' ? input.message : String(input.message);
  const message = truncate(text, limits.maxLogMessageChars);
  return {
    ...input,
    message: message.truncated
      ? message.text.slice(0, limits.maxLogMessageChars - TRUNCATED_MARK.length) + TRUNCATED_MARK
      : message.text,
    data: serializeLogData(input.data, limits.maxLogDataBytes),
  };
}

function serializeLogData(data: unknown, maxBytes: number): string | null {
  const serialized = serializeJson(data, maxBytes);
  if (serialized.ok) return serialized.text;
  // Keep what can be kept: a readable prefix and the reason, marked as truncated. A character
  // may take up to 6 bytes once JSON-escaped, hence the sixth.
  let preview: string;
  try {
    preview = JSON.stringify(data) ?? String(data);
  } catch {
    preview = String(data);
  }
  const room = Math.max(0, Math.floor(maxBytes / 6) - 256);
  return JSON.stringify({ truncated: true, reason: serialized.reason, preview: preview.slice(0, room) });
}
