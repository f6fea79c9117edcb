import type { InstanceKey, InstanceStatus } from '../../engine/model';
import type { SqlExecutor } from './sql-executor';
import { anyKey, keyMatch, runMatch } from './sql-fragments';
import { SqlParams } from './sql-params';

// How a run waits for other instances (step.waitForWorkflow) and how their ends wake it, in one
// transaction's statements: the lock order between the two is what keeps them from deadlocking.

/**
 * A run is about to wait for these instances (see StoreTransaction.awaitInstances): marks their
 * queue rows as awaited and holds a lock on them until the transaction ends; false when any of
 * them has no queue row (finished, or gone).
 */
export async function awaitInstances(sql: SqlExecutor, keys: InstanceKey[]): Promise<boolean> {
  if (!keys.length) return true;
  // Each instance once. The locks are taken in the reads' ORDER BY, as the database collates,
  // so two runs waiting for the same instances never wait for each other in a circle.
  const unique = [...new Map(keys.map((key) => [JSON.stringify([key.workflowName, key.instanceId]), key])).values()];
  const read = (lock: string) => {
    const p = new SqlParams();
    return sql.rows<{ workflow_name: string; instance_id: string; awaited: unknown }>(
      `SELECT workflow_name, instance_id, awaited FROM workflow_task WHERE ${anyKey(p, unique)} ORDER BY workflow_name, instance_id${lock}`,
      p.values,
    );
  };
  // A shared lock is enough to make an instance's end wait for this transaction, and the
  // instance's own step commits share it. But a row still to be marked is written below, and two
  // runs upgrading shared locks on it would wait for each other (a deadlock): then every row is
  // locked exclusively. A mark stays until the row goes (the instance ends), so what this first
  // look finds marked is marked under the lock too; only an instance ended and restarted in
  // between is not, and then a deadlock is possible again, which the database breaks and the
  // transaction is retried.
  const seen = await read('');
  const allMarked = seen.length === unique.length && seen.every((row) => Boolean(row.awaited));
  const rows = await read(allMarked ? sql.dialect.forShare : sql.dialect.forUpdate);
  const unmarked = rows.filter((row) => !row.awaited).map((row) => ({ workflowName: row.workflow_name, instanceId: row.instance_id }));
  if (unmarked.length) {
    const mark = new SqlParams();
    await sql.run(`UPDATE workflow_task SET awaited = ${mark.add(sql.dialect.bool(true))} WHERE ${anyKey(mark, unmarked)}`, mark.values);
  }
  return rows.length === unique.length;
}

/**
 * The instance has just finished: runs suspended on a waitForWorkflow of it are due now and take
 * `status`; true when any did (the caller signals other processes).
 */
export async function wakeAwaiting(sql: SqlExecutor, key: InstanceKey, now: number, status: InstanceStatus): Promise<boolean> {
  const find = new SqlParams();
  const waiting = await sql.rows<{ workflow_name: string; instance_id: string; run_number: number }>(
    `SELECT workflow_name, instance_id, run_number FROM workflow_step
     WHERE child_workflow_name = ${find.add(key.workflowName)} AND child_instance_id = ${find.add(key.instanceId)}
       AND type = 'waitForWorkflow' AND status = 'waiting'
     ORDER BY workflow_name, instance_id, run_number`,
    find.values,
  );
  // Their queue rows are locked in that order, as every instance's end locks them: two ends
  // waking the same runs never wait for each other in a circle.
  let woke = false;
  for (const row of waiting) {
    const run = { workflowName: row.workflow_name, instanceId: row.instance_id };
    // Only a suspended run (no lease, not paused): a runner holding the run sees the end itself
    // when it suspends (awaitInstances, which takes this instance's row before its own).
    const lock = new SqlParams();
    const free = `${runMatch(lock, run, Number(row.run_number))} AND lease_token IS NULL AND due_at IS NOT NULL`;
    if (!(await sql.rows(`SELECT 1 AS found FROM workflow_task WHERE ${free}${sql.dialect.forUpdate}`, lock.values)).length) continue;
    const due = new SqlParams();
    await sql.run(`UPDATE workflow_task SET due_at = ${due.add(sql.dialect.time(now))} WHERE ${keyMatch(due, run)}`, due.values);
    const moved = new SqlParams();
    await sql.run(
      `UPDATE workflow_instance SET status = ${moved.add(status)}, updated_at = ${moved.add(sql.dialect.time(now))} WHERE ${keyMatch(moved, run)} AND status = 'waiting'`,
      moved.values,
    );
    woke = true;
  }
  return woke;
}
