import { EntitySchema } from 'typeorm';
import type { DialectName } from '../sql/dialect';
import { columnTypes, instanceKeyColumns } from './column-types';

/** Events sent to an instance; `id` is unique per instance (idempotent sends), `seq` is FIFO order. */
export function workflowEventEntity(dialect: DialectName) {
  const { time, json, text, int } = columnTypes(dialect);
  return new EntitySchema({
    name: 'WorkflowEvent',
    tableName: 'workflow_event',
    columns: {
      ...instanceKeyColumns(dialect, true),
      id: { ...text('id', 100), primary: true },
      runNumber: int('run_number'),
      seq: int('seq'),
      type: text('type', 100),
      payload: json('payload'),
      createdAt: time('created_at'),
      deliveredAt: time('delivered_at', true),
      consumedByStep: text('consumed_by_step', 256, true),
    },
    indices: [
      { name: 'idx_workflow_event_seq', columns: ['workflowName', 'instanceId', 'runNumber', 'seq'] },
      { name: 'idx_workflow_event_type', columns: ['workflowName', 'instanceId', 'runNumber', 'type', 'seq'] },
    ],
  });
}
