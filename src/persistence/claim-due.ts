import type { ClaimRequest, ClaimedRun } from '../engine/ports/store';
import { instanceFromRow } from './row-mappers';
import type { SqlExecutor } from './sql-executor';

/** Instances keep `waitingForPause` when claimed (the pause must survive a takeover). */
const RUNNING_UNLESS_PAUSING = "CASE WHEN i.status = 'waitingForPause' THEN i.status ELSE 'running' END";

/**
 * Claims due runs inside the caller's transaction. One lease token serves the whole batch: it is
 * fresh for this claim, and fencing always pairs it with the run's key and number.
 */
export function claimDue(sql: SqlExecutor, request: ClaimRequest): Promise<ClaimedRun[]> {
  return sql.dialect.name === 'postgres' ? claimOnPostgres(sql, request) : claimOnSqlite(sql, request);
}

/** One statement: lock due rows others are not holding, lease them, mark their instances running. */
async function claimOnPostgres(sql: SqlExecutor, request: ClaimRequest): Promise<ClaimedRun[]> {
  const d = sql.dialect;
  const token = request.newToken();
  const rows = await sql.rows(
    `WITH due AS (
       SELECT workflow_name, instance_id FROM workflow_task
       WHERE due_at <= $1 AND workflow_name IN (${d.list(7, request.workflowNames.length)})
       ORDER BY kind, due_at LIMIT $2
       FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE workflow_task t SET lease_owner = $3, lease_token = $4, due_at = $5, lease_expires_at = $5
       FROM due WHERE t.workflow_name = due.workflow_name AND t.instance_id = due.instance_id
       RETURNING t.workflow_name, t.instance_id
     ), prior AS (
       SELECT i.workflow_name, i.instance_id, i.started_at IS NULL AS first_claim
       FROM workflow_instance i JOIN claimed c ON i.workflow_name = c.workflow_name AND i.instance_id = c.instance_id
     )
     UPDATE workflow_instance i SET status = ${RUNNING_UNLESS_PAUSING},
       started_at = COALESCE(i.started_at, $6), updated_at = $6
     FROM prior p WHERE i.workflow_name = p.workflow_name AND i.instance_id = p.instance_id
     RETURNING i.*, p.first_claim`,
    [
      d.time(request.now),
      request.limit,
      request.owner,
      token,
      d.time(request.now + request.leaseMs),
      d.time(request.now),
      ...request.workflowNames,
    ],
  );
  return rows.map((row) => toClaimedRun(sql, row, token, Boolean(row.first_claim)));
}

/** SQLite runs one writer at a time, so a read followed by compare-and-set updates is atomic. */
async function claimOnSqlite(sql: SqlExecutor, request: ClaimRequest): Promise<ClaimedRun[]> {
  const d = sql.dialect;
  const token = request.newToken();
  const due = await sql.rows<{ workflow_name: string; instance_id: string }>(
    `SELECT workflow_name, instance_id FROM workflow_task
     WHERE due_at <= $1 AND workflow_name IN (${d.list(3, request.workflowNames.length)})
     ORDER BY kind, due_at LIMIT $2`,
    [d.time(request.now), request.limit, ...request.workflowNames],
  );
  const claimed: ClaimedRun[] = [];
  for (const { workflow_name, instance_id } of due) {
    const key = [workflow_name, instance_id];
    const taken = await sql.run(
      `UPDATE workflow_task SET lease_owner = $3, lease_token = $4, due_at = $5, lease_expires_at = $5
       WHERE workflow_name = $1 AND instance_id = $2 AND due_at <= $6`,
      [...key, request.owner, token, d.time(request.now + request.leaseMs), d.time(request.now)],
    );
    if (taken !== 1) continue;
    const [before] = await sql.rows(`SELECT started_at FROM workflow_instance WHERE workflow_name = $1 AND instance_id = $2`, key);
    const [row] = await sql.rows(
      `UPDATE workflow_instance AS i SET status = ${RUNNING_UNLESS_PAUSING},
         started_at = COALESCE(i.started_at, $3), updated_at = $3
       WHERE workflow_name = $1 AND instance_id = $2 RETURNING *`,
      [...key, d.time(request.now)],
    );
    claimed.push(toClaimedRun(sql, row, token, before.started_at === null));
  }
  return claimed;
}

function toClaimedRun(sql: SqlExecutor, row: Record<string, unknown>, token: string, firstClaim: boolean): ClaimedRun {
  const instance = instanceFromRow(sql.dialect, row);
  return {
    instance,
    lease: { workflowName: instance.workflowName, instanceId: instance.instanceId, runNumber: instance.runNumber, token },
    firstClaim,
  };
}
