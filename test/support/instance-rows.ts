import type { InstanceKey } from '../../src/engine/model';
import type { SqlWorkflowStore } from '../../src/persistence/sql-workflow-store';

/** Every table that holds rows of an instance. */
export const INSTANCE_TABLES = ['workflow_instance', 'workflow_task', 'workflow_step', 'workflow_event', 'workflow_log'] as const;

export type RowCounts = Record<(typeof INSTANCE_TABLES)[number], number>;

/** How many rows of one instance each table holds, read straight from the database. */
export async function rowCounts(store: SqlWorkflowStore, key: InstanceKey): Promise<RowCounts> {
  const counts = {} as RowCounts;
  for (const table of INSTANCE_TABLES) {
    const [row] = await store.connection
      .statement()
      .rows<{ n: unknown }>(`SELECT count(*) AS n FROM ${table} WHERE workflow_name = $1 AND instance_id = $2`, [key.workflowName, key.instanceId]);
    counts[table] = Number(row.n);
  }
  return counts;
}

/** The counts of an instance that is gone without a trace. */
export const NO_ROWS: RowCounts = { workflow_instance: 0, workflow_task: 0, workflow_step: 0, workflow_event: 0, workflow_log: 0 };
