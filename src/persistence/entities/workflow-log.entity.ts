import { EntitySchema } from 'typeorm';
import type { DialectName } from '../sql/dialect';
import { columnTypes, instanceKeyColumns } from './column-types';

/** Durable log lines of runs, in write order (`id`). */
export function workflowLogEntity(dialect: DialectName) {
  const { time, json, text, int } = columnTypes(dialect);
  return new EntitySchema({
    name: 'WorkflowLog',
    tableName: 'workflow_log',
    columns: {
      // SQLite only auto-increments an INTEGER PRIMARY KEY.
      id: { name: 'id', type: dialect === 'postgres' ? 'bigint' : 'integer', primary: true, generated: 'increment' },
      ...instanceKeyColumns(dialect, false),
      runNumber: int('run_number'),
      stepName: text('step_name', 256, true),
      attempt: int('attempt', true),
      level: text('level', 8),
      category: text('category', 64),
      message: { name: 'message', type: 'text' },
      data: json('data'),
      isReplay: { name: 'is_replay', type: 'boolean' },
      createdAt: time('created_at'),
    },
    indices: [{ name: 'idx_workflow_log_run', columns: ['workflowName', 'instanceId', 'runNumber', 'id'] }],
  });
}
