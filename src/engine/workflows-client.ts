import type { EngineDeps } from './engine-deps';
import {
  type CreateInstanceInput,
  type CreatedInstance,
  InstanceLifecycle,
  type SendEventInput,
  type SentEvent,
} from './lifecycle/instance-lifecycle';
import type { InstanceKey } from './model';
import {
  type History,
  type HistoryOptions,
  type InstancePage,
  InstanceQueries,
  type ListInstancesOptions,
} from './queries/instance-queries';
import { Runner, type TickOptions, type TickResult } from './runner/runner';
import type { InstanceView } from './views';

export interface WorkflowSummary {
  name: string;
  description?: string;
}

/**
 * The programmatic face of the engine (SPEC section 9): everything the HTTP API offers, with the
 * same rules and `EngineError` codes. The HTTP controllers are thin wrappers over it.
 */
export class WorkflowsClient {
  private readonly lifecycle: InstanceLifecycle;
  private readonly queries: InstanceQueries;

  constructor(
    private readonly deps: EngineDeps,
    readonly runner: Runner = new Runner(deps),
  ) {
    this.lifecycle = new InstanceLifecycle(deps);
    this.queries = new InstanceQueries(deps);
  }

  listWorkflows(): WorkflowSummary[] {
    return this.deps.registry.list().map(({ name, description }) => ({ name, ...(description ? { description } : {}) }));
  }

  create(workflowName: string, input: CreateInstanceInput = {}): Promise<CreatedInstance> {
    return this.lifecycle.create(workflowName, input);
  }

  createBatch(workflowName: string, instances: CreateInstanceInput[]): Promise<CreatedInstance[]> {
    return this.lifecycle.createBatch(workflowName, instances);
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
    return this.lifecycle.manage(key(workflowName, instanceId), 'pause');
  }

  resume(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.lifecycle.manage(key(workflowName, instanceId), 'resume');
  }

  restart(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.lifecycle.manage(key(workflowName, instanceId), 'restart');
  }

  terminate(workflowName: string, instanceId: string): Promise<CreatedInstance> {
    return this.lifecycle.manage(key(workflowName, instanceId), 'terminate');
  }

  sendEvent(workflowName: string, instanceId: string, event: SendEventInput): Promise<SentEvent> {
    return this.lifecycle.sendEvent(key(workflowName, instanceId), event);
  }

  tick(options?: TickOptions): Promise<TickResult> {
    return this.runner.tick(options);
  }
}

function key(workflowName: string, instanceId: string): InstanceKey {
  return { workflowName, instanceId };
}
