import { type Duration, parseDuration } from '../durations';

/**
 * How long finished instances are kept: a duration counted from `completedAt` (`"30 days"`,
 * `"12 h"`, or milliseconds), or `"forever"`, which a workflow uses to keep its instances when the
 * module sets a period for all the others.
 */
export type RetentionPeriod = Duration | typeof KEEP_FOREVER;

export const KEEP_FOREVER = 'forever';

/** Long enough for any policy; far below where epoch milliseconds stop being exact. */
const MAX_RETENTION_MS = 100 * 365 * 86_400_000;

/**
 * A retention period in milliseconds, or null for "keep forever"; throws a plain Error naming
 * `where` for anything else (a setting is wrong, so the process should not start).
 */
export function retentionMs(value: RetentionPeriod, where: string): number | null {
  if (value === KEEP_FOREVER) return null;
  try {
    return parseDuration(value, { minMs: 1, maxMs: MAX_RETENTION_MS });
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message} (or "${KEEP_FOREVER}")`);
  }
}

/** A workflow's own period (null: forever); checked when the workflow is registered. */
export function workflowRetentionMs(definition: { name: string; retention: RetentionPeriod }): number | null {
  return retentionMs(definition.retention, `Workflow "${definition.name}": retention`);
}
