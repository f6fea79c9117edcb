import type { InstanceRecord, Lease, NewLogRecord, StepRecord } from '../engine/model';
import type { EventDelivery, FinishPatch, LeaseCheck } from '../engine/ports/store';
import { encodeRows, INSTANCE_ROW, LOG_ROW, STEP_ROW, STEP_UPSERT } from './row-encoders';
import type { SqlExecutor } from './sql-executor';
import { RUNNABLE_CHANNEL } from './sql-store-transaction';

/**
 * The runner's hot paths on PostgreSQL, each as ONE statement (its own transaction, one round
 * trip) instead of BEGIN + several statements + COMMIT. Data-modifying CTEs are atomic together,
 * and every write is conditioned on the lease CTE, so a lost lease still writes nothing.
 */

/** `$1..$4`: the lease; writes of steps and logs follow from `$5`. */
const LEASE_PARAMS = (lease: Lease) => [lease.workflowName, lease.instanceId, lease.runNumber, lease.token];
const LEASE_MATCH = 'workflow_name = $1 AND instance_id = $2 AND run_number = $3 AND lease_token = $4';

/** Step and log inserts that happen only when the `guard` CTE (the lease, by default) yields a row. */
function progressWrites(sql: SqlExecutor, steps: StepRecord[], logs: NewLogRecord[], first: number, guard = 'lease') {
  const ctes: string[] = [];
  const values: unknown[] = [];
  let next = first;
  if (steps.length) {
    const rows = encodeRows(sql.dialect, STEP_ROW, steps, next, true);
    ctes.push(`steps AS (INSERT INTO workflow_step (${STEP_ROW.columns})
      SELECT v.* FROM (VALUES ${rows.placeholders}) v WHERE EXISTS (SELECT 1 FROM ${guard}) ${STEP_UPSERT})`);
    values.push(...rows.values);
    next += rows.values.length;
  }
  if (logs.length) {
    const rows = encodeRows(sql.dialect, LOG_ROW, logs, next, true);
    ctes.push(`logs AS (INSERT INTO workflow_log (${LOG_ROW.columns})
      SELECT v.* FROM (VALUES ${rows.placeholders}) v WHERE EXISTS (SELECT 1 FROM ${guard}))`);
    values.push(...rows.values);
  }
  return { ctes: ctes.map((cte) => `, ${cte}`).join(''), values };
}

/**
 * Step rows and log lines, if the lease holds. The lease row is share-locked (a terminate or
 * restart waits for this statement, or this statement for it, and then sees it), not updated:
 * the lease is renewed by its own timer, which keeps this write to the rows that matter.
 */
export async function saveProgressInOneStatement(
  sql: SqlExecutor,
  lease: Lease,
  steps: StepRecord[],
  logs: NewLogRecord[],
  delivery?: EventDelivery,
): Promise<LeaseCheck | null> {
  if (delivery) return deliverInOneStatement(sql, lease, steps, logs, delivery);
  const writes = progressWrites(sql, steps, logs, 5);
  const [row] = await sql.rows<{ pause_requested: boolean }>(
    `WITH lease AS (SELECT pause_requested FROM workflow_task WHERE ${LEASE_MATCH} FOR SHARE)${writes.ctes}
     SELECT pause_requested FROM lease`,
    [...LEASE_PARAMS(lease), ...writes.values],
  );
  return row ? { pauseRequested: row.pause_requested } : null;
}

/** The same, consuming an event too: nothing is written unless the event was still undelivered. */
async function deliverInOneStatement(
  sql: SqlExecutor,
  lease: Lease,
  steps: StepRecord[],
  logs: NewLogRecord[],
  { event, stepName, at }: EventDelivery,
): Promise<LeaseCheck | null> {
  const writes = progressWrites(sql, steps, logs, 8, 'delivered');
  const [row] = await sql.rows<{ pause_requested: boolean; delivered: number }>(
    `WITH lease AS (SELECT pause_requested FROM workflow_task WHERE ${LEASE_MATCH} FOR SHARE),
     delivered AS (UPDATE workflow_event SET delivered_at = $5, consumed_by_step = $6
       WHERE workflow_name = $1 AND instance_id = $2 AND id = $7 AND delivered_at IS NULL AND EXISTS (SELECT 1 FROM lease)
       RETURNING 1)${writes.ctes}
     SELECT pause_requested, (SELECT count(*) FROM delivered)::int AS delivered FROM lease`,
    [...LEASE_PARAMS(lease), sql.dialect.time(at), stepName, event.id, ...writes.values],
  );
  if (row && row.delivered !== 1) throw new Error(`Event ${event.id} was already delivered`);
  return row ? { pauseRequested: row.pause_requested } : null;
}

/** Ends a run: its queue row goes, its instance takes `patch`, with the last steps and log lines. */
export async function finishRunInOneStatement(
  sql: SqlExecutor,
  lease: Lease,
  patch: FinishPatch,
  steps: StepRecord[],
  logs: NewLogRecord[],
): Promise<boolean> {
  const d = sql.dialect;
  const writes = progressWrites(sql, steps, logs, 11);
  const [row] = await sql.rows<{ held: number }>(
    `WITH lease AS (DELETE FROM workflow_task WHERE ${LEASE_MATCH} RETURNING 1),
     finished AS (UPDATE workflow_instance SET status = $5, output = $6, error_name = $7, error_message = $8,
         completed_at = $9, updated_at = $10
       WHERE workflow_name = $1 AND instance_id = $2 AND EXISTS (SELECT 1 FROM lease) RETURNING 1)${writes.ctes}
     SELECT count(*)::int AS held FROM lease`,
    [
      ...LEASE_PARAMS(lease),
      patch.status,
      patch.output,
      patch.error?.name ?? null,
      patch.error?.message ?? null,
      d.time(patch.completedAt),
      d.time(patch.updatedAt),
      ...writes.values,
    ],
  );
  return row.held === 1;
}

/** New instances with their queue rows, and a NOTIFY when any was created. */
export async function createInstancesInOneStatement(sql: SqlExecutor, instances: InstanceRecord[], dueAt: number): Promise<string[]> {
  const rows = encodeRows(sql.dialect, INSTANCE_ROW, instances, 3);
  const created = await sql.rows<{ instance_id: string }>(
    `WITH created AS (
       INSERT INTO workflow_instance (${INSTANCE_ROW.columns}) VALUES ${rows.placeholders}
       ON CONFLICT (workflow_name, instance_id) DO NOTHING RETURNING workflow_name, instance_id
     ), queued AS (
       INSERT INTO workflow_task (workflow_name, instance_id, run_number, kind, due_at, pause_requested)
       SELECT workflow_name, instance_id, 1, 1, $1::timestamptz, false FROM created
     ), signal AS (SELECT pg_notify($2, '') FROM (SELECT 1 FROM created LIMIT 1) any_created)
     SELECT instance_id, (SELECT count(*) FROM signal) AS signalled FROM created`,
    [sql.dialect.time(dueAt), RUNNABLE_CHANNEL, ...rows.values],
  );
  return created.map((row) => row.instance_id);
}
