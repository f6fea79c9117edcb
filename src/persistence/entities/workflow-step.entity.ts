import { EntitySchema } from 'typeorm';
import type { DialectName } from '../sql/dialect';
import { columnTypes, instanceKeyColumns } from './column-types';

/** One row per step of a run, keyed by its name; `seq` orders steps by first appearance. */
export function workflowStepEntity(dialect: DialectName) {
  const { time, json, text, int } = columnTypes(dialect);
  return new EntitySchema({
    name: 'WorkflowStep',
    tableName: 'workflow_step',
    columns: {
      ...instanceKeyColumns(dialect, true),
      runNumber: { ...int('run_number'), primary: true },
      name: { ...text('name', 256), primary: true },
      id: text('id', 64),
      seq: int('seq'),
      type: text('type', 16),
      status: text('status', 16),
      attempts: int('attempts'),
      maxAttempts: int('max_attempts', true),
      timeoutMs: { name: 'timeout_ms', type: 'bigint', nullable: true },
      nextRetryAt: time('next_retry_at', true),
      wakeAt: time('wake_at', true),
      waitEventType: text('wait_event_type', 100, true),
      // startWorkflow: the child it started; waitForWorkflow: the instance it waits for.
      childWorkflowName: text('child_workflow_name', 64, true),
      childInstanceId: text('child_instance_id', 100, true),
      result: json('result'),
      errorName: text('error_name', 256, true),
      errorMessage: { name: 'error_message', type: 'text', nullable: true },
      createdAt: time('created_at'),
      updatedAt: time('updated_at'),
    },
    indices: [
      { name: 'idx_workflow_step_seq', columns: ['workflowName', 'instanceId', 'runNumber', 'seq'] },
      // An instance's end finds the runs waiting for it.
      { name: 'idx_workflow_step_child', columns: ['childWorkflowName', 'childInstanceId'] },
    ],
  });
}
