import { describeParams } from './definition/params-schema';
import type { EngineDeps } from './engine-deps';
import { type CreatedInstance, type CreateInstanceInput, type CreateOptions, InstanceCreation } from './lifecycle/create-instances';
import { type DeletedInstance, type DeleteInstanceOptions, InstanceDeletion } from './lifecycle/delete-instance';
import { InstanceManagement } from './lifecycle/manage-instance';
import { EventSending, type SendEventInput, type SentEvent } from './lifecycle/send-event';
import type { ManagementAction } from './lifecycle/transitions';
import type { History, HistoryOptions } from './queries/history-query';
import { type InstancePage, InstanceQueries, type ListInstancesOptions } from './queries/instance-queries';
import type { Runner, TickOptions, TickResult } from './runner/runner';
import type { InstanceView } from './views';
import type { WorkflowsApi, WorkflowSummary } from './workflows-api';

/**
 * The programmatic face of the engine: everything the HTTP API offers, with the same rules and
 * `EngineError` codes. The HTTP controllers are thin wrappers over it.
 */
export class WorkflowsClient implements WorkflowsApi {
  private readonly creation: InstanceCreation;
  private readonly management: InstanceManagement;
  private readonly deletion: InstanceDeletion;
  private readonly events: EventSending;
  private readonly queries: InstanceQueries;

  constructor(
    private readonly deps: EngineDeps,
    private readonly runner: Runner,
  ) {
    this.creation = new InstanceCreation(deps);
    this.management = new InstanceManagement(deps);
    this.deletion = new InstanceDeletion(deps);
    this.events = new EventSending(deps);
    this.queries = new InstanceQueries(deps);
  }

  listWorkflows(): WorkflowSummary[] {
    return this.deps.registry.list().map((definition) => {
      const paramsSchema = describeParams(definition, this.deps.paramsClasses);
      return { name: definition.name, ...(definition.description ? { description: definition.description } : {}), ...(paramsSchema ? { paramsSchema } : {}) };
    });
  }

  create(workflowName: string, input: CreateInstanceInput = {}, options?: CreateOptions): Promise<CreatedInstance> {
    return this.creation.create(workflowName, input, options);
  }

  createBatch(workflowName: string, instances: CreateInstanceInput[], options?: CreateOptions): Promise<CreatedInstance[]> {
    return this.creation.createBatch(workflowName, instances, options);
  }

  get(workflowName: string, instanceId: string): Promise<InstanceView> {
    return this.queries.get({ workflowName, instanceId });
  }

  list(workflowName: string, options?: ListInstancesOptions): Promise<InstancePage> {
    return this.queries.list(workflowName, options);
  }

  history(workflowName: string, instanceId: string, options?: HistoryOptions): Promise<History> {
    return this.queries.history({ workflowName, instanceId }, options);
  }

  pause(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.manage('pause', workflowName, instanceId);
  }

  resume(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.manage('resume', workflowName, instanceId);
  }

  restart(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.manage('restart', workflowName, instanceId);
  }

  terminate(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.manage('terminate', workflowName, instanceId);
  }

  /**
   * Deletes a finished instance with every run's steps, events and logs; a live one is refused
   * (INSTANCE_NOT_TERMINAL) unless `force`, which terminates it first, in the same transaction.
   */
  delete(workflowName: string, instanceId: string, options?: DeleteInstanceOptions): Promise<DeletedInstance> {
    return this.deletion.delete({ workflowName, instanceId }, options);
  }

  sendEvent(workflowName: string, instanceId: string, event: SendEventInput): Promise<SentEvent> {
    return this.events.sendEvent({ workflowName, instanceId }, event);
  }

  /** Advances due instances now, as `POST /_runner/tick` does. */
  tick(options?: TickOptions): Promise<TickResult> {
    return this.runner.tick(options);
  }

  private manage(action: ManagementAction, workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.management.manage({ workflowName, instanceId }, action);
  }
}
