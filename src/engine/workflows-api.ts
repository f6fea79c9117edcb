import type { CreatedInstance, CreateInstanceInput, CreateOptions } from './lifecycle/create-instances';
import type { DeletedInstance, DeleteInstanceOptions } from './lifecycle/delete-instance';
import type { SendEventInput, SentEvent } from './lifecycle/send-event';
import type { History, HistoryOptions } from './queries/history-query';
import type { InstancePage, ListInstancesOptions } from './queries/instance-queries';
import type { InstanceView } from './views';

export interface WorkflowSummary {
  name: string;
  description?: string;
  /** What its params look like, as JSON Schema, when the workflow says. */
  paramsSchema?: Record<string, unknown>;
}

/**
 * What workflow code can do with instances (`ctx.workflows`, `this.workflows`): everything the
 * HTTP API offers about instances, and nothing of the runner's.
 */
export interface WorkflowsApi {
  listWorkflows(): WorkflowSummary[];
  create(workflowName: string, input?: CreateInstanceInput, options?: CreateOptions): Promise<CreatedInstance>;
  createBatch(workflowName: string, instances: CreateInstanceInput[], options?: CreateOptions): Promise<CreatedInstance[]>;
  get(workflowName: string, instanceId: string): Promise<InstanceView>;
  list(workflowName: string, options?: ListInstancesOptions): Promise<InstancePage>;
  history(workflowName: string, instanceId: string, options?: HistoryOptions): Promise<History>;
  pause(workflowName: string, instanceId: string): Promise<CreatedInstance>;
  resume(workflowName: string, instanceId: string): Promise<CreatedInstance>;
  restart(workflowName: string, instanceId: string): Promise<CreatedInstance>;
  terminate(workflowName: string, instanceId: string): Promise<CreatedInstance>;
  delete(workflowName: string, instanceId: string, options?: DeleteInstanceOptions): Promise<DeletedInstance>;
  sendEvent(workflowName: string, instanceId: string, event: SendEventInput): Promise<SentEvent>;
}
