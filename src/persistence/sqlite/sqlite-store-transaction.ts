import type { InstanceKey, InstanceStatus } from '../../engine/model';
import { keyMatch, runMatch } from '../sql/sql-fragments';
import { SqlParams } from '../sql/sql-params';
import { SqlStoreTransaction } from '../sql-store-transaction';

/** Transaction operations on SQLite: one process, so runnable work is signalled in-process only. */
export class SqliteStoreTransaction extends SqlStoreTransaction {
  async signalRunnable(): Promise<void> {}

  async wakeIfWaitingFor(key: InstanceKey, runNumber: number, type: string, now: number, status: InstanceStatus): Promise<boolean> {
    const waiting = new SqlParams();
    const found = await this.sql.rows(
      `SELECT 1 FROM workflow_step WHERE ${runMatch(waiting, key, runNumber)} AND type = 'waitForEvent' AND status = 'waiting'
       AND wait_event_type = ${waiting.add(type)} LIMIT 1`,
      waiting.values,
    );
    if (!found.length) return false;
    const instance = new SqlParams();
    await this.sql.run(
      `UPDATE workflow_instance SET status = ${instance.add(status)}, updated_at = ${instance.add(this.time(now))} WHERE ${keyMatch(instance, key)}`,
      instance.values,
    );
    const task = new SqlParams();
    await this.sql.run(`UPDATE workflow_task SET due_at = ${task.add(this.time(now))} WHERE ${keyMatch(task, key)}`, task.values);
    return true;
  }
}
