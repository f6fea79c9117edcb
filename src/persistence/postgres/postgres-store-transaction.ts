import type { InstanceKey, InstanceStatus } from '../../engine/model';
import { keyMatch, runMatch } from '../sql/sql-fragments';
import { SqlParams } from '../sql/sql-params';
import { SqlStoreTransaction } from '../sql-store-transaction';
import { RUNNABLE_CHANNEL } from './postgres-statements';

/** Transaction operations on PostgreSQL: other processes hear of runnable work through NOTIFY. */
export class PostgresStoreTransaction extends SqlStoreTransaction {
  /** Sent when this transaction commits, and only then. */
  async signalRunnable(): Promise<void> {
    const p = new SqlParams();
    await this.sql.rows(`SELECT pg_notify(${p.add(RUNNABLE_CHANNEL)}, '')`, p.values);
  }

  /** One round trip; the caller already holds both rows' locks. */
  async wakeIfWaitingFor(key: InstanceKey, runNumber: number, type: string, now: number, status: InstanceStatus): Promise<boolean> {
    const p = new SqlParams();
    const at = p.add(this.time(now), 'timestamptz');
    const [row] = await this.sql.rows<{ woke: number }>(
      `WITH waiting AS (
         SELECT 1 FROM workflow_step WHERE ${runMatch(p, key, runNumber)} AND type = 'waitForEvent' AND status = 'waiting'
           AND wait_event_type = ${p.add(type)} LIMIT 1
       ), instance AS (
         UPDATE workflow_instance SET status = ${p.add(status)}, updated_at = ${at} WHERE ${keyMatch(p, key)} AND EXISTS (SELECT 1 FROM waiting)
       ), task AS (
         UPDATE workflow_task SET due_at = ${at} WHERE ${keyMatch(p, key)} AND EXISTS (SELECT 1 FROM waiting)
       ), signal AS (SELECT pg_notify(${p.add(RUNNABLE_CHANNEL)}, '') FROM waiting)
       SELECT (SELECT count(*) FROM signal)::int AS woke`,
      p.values,
    );
    return row.woke === 1;
  }
}
