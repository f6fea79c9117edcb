import type { InstanceRecord, Lease, NewLogRecord, StepRecord } from '../../engine/model';
import type { ClaimRequest, EventDelivery, FinishPatch } from '../../engine/ports/store';
import { postgresDialect as d } from '../sql/dialect';
import { INSTANCE_ROW, LOG_ROW, STEP_ROW, STEP_UPSERT, unnestRows } from '../sql/row-encoders';
import { keyMatch, runMatch } from '../sql/sql-fragments';
import { SqlParams } from '../sql/sql-params';
import { TASK_KINDS } from '../sql/task-kinds';

/**
 * The hot paths on PostgreSQL, each ONE statement (its own transaction, one round trip) instead
 * of BEGIN + several statements + COMMIT. Data-modifying CTEs are atomic together, and every
 * write is conditioned on the lease CTE, so a lost lease still writes nothing. Rows go in as one
 * array per column (`unnest`): however many there are, each statement has one shape, prepared
 * once per connection.
 */
export interface Statement {
  text: string;
  values: unknown[];
}

/** The NOTIFY channel on which runners learn that a run became runnable. */
export const RUNNABLE_CHANNEL = 'workflows_runnable';

/** `AND lease_token = …` on the run's queue row: the condition every runner write is fenced by. */
function leaseMatch(p: SqlParams, lease: Lease): string {
  return `${runMatch(p, lease, lease.runNumber)} AND lease_token = ${p.add(lease.token)}`;
}

/** Step and log inserts that happen only when the `guard` CTE yields a row. */
function progressWrites(p: SqlParams, steps: StepRecord[], logs: NewLogRecord[], guard: string): string {
  return `, steps AS (INSERT INTO workflow_step (${STEP_ROW.columns})
      SELECT * FROM ${unnestRows(d, p, STEP_ROW, steps)} WHERE EXISTS (SELECT 1 FROM ${guard}) ${STEP_UPSERT})
    , logs AS (INSERT INTO workflow_log (${LOG_ROW.columns})
      SELECT * FROM ${unnestRows(d, p, LOG_ROW, logs)} WHERE EXISTS (SELECT 1 FROM ${guard}))`;
}

/**
 * Step rows and log lines, if the lease holds. The lease row is share-locked (a terminate or
 * restart waits for this statement, or this statement for it, and then sees it), not updated:
 * the lease is renewed by its own timer, which keeps this write to the rows that matter.
 */
export function saveProgressStatement(lease: Lease, steps: StepRecord[], logs: NewLogRecord[]): Statement {
  const p = new SqlParams();
  const text = `WITH lease AS (SELECT pause_requested FROM workflow_task WHERE ${leaseMatch(p, lease)} FOR SHARE)
    ${progressWrites(p, steps, logs, 'lease')}
    SELECT pause_requested FROM lease`;
  return { text, values: p.values };
}

/** The same, consuming an event too: nothing is written unless the event was still undelivered. */
export function deliverStatement(lease: Lease, steps: StepRecord[], logs: NewLogRecord[], { event, stepName, at }: EventDelivery): Statement {
  const p = new SqlParams();
  const text = `WITH lease AS (SELECT pause_requested FROM workflow_task WHERE ${leaseMatch(p, lease)} FOR SHARE)
    , delivered AS (UPDATE workflow_event SET delivered_at = ${p.add(d.time(at))}, consumed_by_step = ${p.add(stepName)}
        WHERE ${keyMatch(p, event)} AND id = ${p.add(event.id)} AND delivered_at IS NULL AND EXISTS (SELECT 1 FROM lease) RETURNING 1)
    ${progressWrites(p, steps, logs, 'delivered')}
    SELECT pause_requested, (SELECT count(*) FROM delivered)::int AS delivered FROM lease`;
  return { text, values: p.values };
}

/**
 * Ends a run: its queue row goes, its instance takes `patch`, with the last steps and log lines.
 * The queue row is locked first; when a run ever waited for this instance (`awaited`, set under
 * that lock), nothing is written and `awaited` says so: the end must then wake the waiting runs,
 * which one statement cannot reliably see (its snapshot predates a wait committed while it
 * waited for the lock).
 */
export function finishRunStatement(lease: Lease, patch: FinishPatch, steps: StepRecord[], logs: NewLogRecord[]): Statement {
  const p = new SqlParams();
  const text = `WITH lease AS (SELECT awaited FROM workflow_task WHERE ${leaseMatch(p, lease)} FOR UPDATE)
    , gone AS (DELETE FROM workflow_task WHERE ${leaseMatch(p, lease)} AND EXISTS (SELECT 1 FROM lease WHERE NOT awaited) RETURNING 1)
    , finished AS (UPDATE workflow_instance SET status = ${p.add(patch.status)}, output = ${p.add(patch.output)},
        error_name = ${p.add(patch.error?.name ?? null)}, error_message = ${p.add(patch.error?.message ?? null)},
        completed_at = ${p.add(d.time(patch.completedAt))}, updated_at = ${p.add(d.time(patch.updatedAt))}
      WHERE ${keyMatch(p, lease)} AND EXISTS (SELECT 1 FROM gone) RETURNING 1)
    ${progressWrites(p, steps, logs, 'gone')}
    SELECT (SELECT count(*) FROM gone)::int AS held, (SELECT count(*) FROM lease WHERE awaited)::int AS awaited`;
  return { text, values: p.values };
}

/** New instances with their queue rows, and a NOTIFY when any was created. */
export function createInstancesStatement(instances: InstanceRecord[], dueAt: number): Statement {
  const p = new SqlParams();
  const text = `WITH created AS (
      INSERT INTO workflow_instance (${INSTANCE_ROW.columns}) SELECT * FROM ${unnestRows(d, p, INSTANCE_ROW, instances)}
      ON CONFLICT (workflow_name, instance_id) DO NOTHING RETURNING workflow_name, instance_id, run_number
    ), queued AS (
      INSERT INTO workflow_task (workflow_name, instance_id, run_number, kind, due_at, pause_requested)
      SELECT workflow_name, instance_id, run_number, ${p.add(TASK_KINDS.new, 'smallint')}, ${p.add(d.time(dueAt), 'timestamptz')}, false FROM created
    ), signal AS (SELECT pg_notify(${p.add(RUNNABLE_CHANNEL, 'text')}, '') FROM (SELECT 1 FROM created LIMIT 1) any_created)
    SELECT instance_id, (SELECT count(*) FROM signal) AS signalled FROM created`;
  return { text, values: p.values };
}

/**
 * Locks due rows others are not holding, leases them with a fresh token, marks their instances
 * running. A due row that still names another owner is an expired lease being taken over.
 */
export function claimStatement(request: ClaimRequest, token: string): Statement {
  const p = new SqlParams();
  const now = p.add(d.time(request.now), 'timestamptz');
  const expiry = p.add(d.time(request.now + request.leaseMs), 'timestamptz');
  const owner = p.add(request.owner, 'varchar');
  const text = `WITH due AS (
      SELECT workflow_name, instance_id, lease_owner FROM workflow_task
      WHERE due_at <= ${now} AND workflow_name = ANY(${p.add(request.workflowNames, 'varchar[]')})
      ORDER BY kind, due_at, workflow_name, instance_id LIMIT ${p.add(request.limit, 'int')}
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE workflow_task t SET lease_owner = ${owner}, lease_token = ${p.add(token)}, due_at = ${expiry}, lease_expires_at = ${expiry}
      FROM due WHERE t.workflow_name = due.workflow_name AND t.instance_id = due.instance_id
      RETURNING t.workflow_name, t.instance_id, t.pause_requested, due.lease_owner IS NOT NULL AND due.lease_owner <> ${owner} AS taken_over
    ), prior AS (
      SELECT i.workflow_name, i.instance_id, i.started_at IS NULL AS first_claim, c.pause_requested, c.taken_over
      FROM workflow_instance i JOIN claimed c ON i.workflow_name = c.workflow_name AND i.instance_id = c.instance_id
    )
    UPDATE workflow_instance i
    SET status = CASE WHEN p.pause_requested THEN ${p.add(request.statuses.pausing, 'varchar')} ELSE ${p.add(request.statuses.running, 'varchar')} END,
      started_at = COALESCE(i.started_at, ${now}), updated_at = ${now}
    FROM prior p WHERE i.workflow_name = p.workflow_name AND i.instance_id = p.instance_id
    RETURNING i.*, p.first_claim, p.taken_over`;
  return { text, values: p.values };
}
