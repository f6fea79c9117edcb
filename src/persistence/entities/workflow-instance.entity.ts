import { EntitySchema } from 'typeorm';
import type { DialectName } from '../sql/dialect';
import { TRACE_PARENT_LENGTH } from '../../engine/trace-parent';
import { columnTypes, instanceKeyColumns } from './column-types';

/** One row per instance; `run_number` names its current run. */
export function workflowInstanceEntity(dialect: DialectName) {
  const { time, json, text, int } = columnTypes(dialect);
  return new EntitySchema({
    name: 'WorkflowInstance',
    tableName: 'workflow_instance',
    columns: {
      ...instanceKeyColumns(dialect, true),
      runNumber: int('run_number'),
      status: text('status', 32),
      params: json('params'),
      output: json('output'),
      errorName: text('error_name', 256, true),
      errorMessage: { name: 'error_message', type: 'text', nullable: true },
      createdAt: time('created_at'),
      updatedAt: time('updated_at'),
      startedAt: time('started_at', true),
      completedAt: time('completed_at', true),
      // The creating request's W3C traceparent: each claim of each run is traced as its child.
      traceParent: text('trace_parent', TRACE_PARENT_LENGTH, true),
      // The run that started this instance with step.startWorkflow, and what its end does to it.
      parentWorkflowName: text('parent_workflow_name', 64, true),
      parentInstanceId: text('parent_instance_id', 100, true),
      parentRunNumber: int('parent_run_number', true),
      parentClosePolicy: text('parent_close_policy', 16, true),
    },
    indices: [
      // Listing, newest first, optionally by status: keyset pages over (created_at, instance_id).
      { name: 'idx_workflow_instance_created', columns: ['workflowName', 'createdAt', 'instanceId'] },
      { name: 'idx_workflow_instance_status_created', columns: ['workflowName', 'status', 'createdAt', 'instanceId'] },
      // Retention: a workflow's instances that finished before a time, oldest first, without a scan.
      { name: 'idx_workflow_instance_completed', columns: ['workflowName', 'completedAt'] },
      // Terminating or restarting a parent finds its children.
      { name: 'idx_workflow_instance_parent', columns: ['parentWorkflowName', 'parentInstanceId'] },
    ],
  });
}
