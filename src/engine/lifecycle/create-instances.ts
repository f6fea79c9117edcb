import type { EngineDeps } from '../engine-deps';
import { EngineError } from '../errors';
import { assertInstanceId } from '../identifiers';
import { serializeJson } from '../json';
import { FIRST_RUN_NUMBER, type InstanceRecord } from '../model';
import { normalizeTraceParent } from '../trace-parent';
import { detailsOf, type InstanceDetails } from '../views';
import { checkParams } from '../definition/params-schema';
import { INITIAL_STATUS } from './transitions';

export interface CreateInstanceInput {
  id?: string;
  params?: unknown;
}

/** How instances are created, beside what they are. */
export interface CreateOptions {
  /**
   * The W3C `traceparent` the instances' runs are traced under; an invalid one is ignored.
   * Without one, the caller's active trace is used, if the host's tracing reports one.
   */
  traceParent?: string | null;
}

export interface CreatedInstance {
  id: string;
  details: InstanceDetails;
}

/** Creating instances: one, or a batch; params checked by the workflow, ids by the id rule. */
export class InstanceCreation {
  constructor(private readonly deps: EngineDeps) {}

  async create(workflowName: string, input: CreateInstanceInput, options: CreateOptions = {}): Promise<CreatedInstance> {
    const definition = this.deps.registry.require(workflowName);
    const id = input.id ?? this.deps.ids.next();
    assertInstanceId(id);
    const issues = await checkParams(definition, input.params, this.deps.paramsClasses);
    if (issues.length) throw new EngineError('WORKFLOW_PARAMS_INVALID', 'Params rejected by the workflow', { issues });
    const instance = this.newInstance(workflowName, id, this.serializeParams(input.params), this.traceParentOf(options));
    const inserted = await this.deps.store.createInstances([instance], this.deps.clock.now());
    if (!inserted.length) {
      throw new EngineError('INSTANCE_ID_ALREADY_EXISTS', `Instance "${id}" of workflow "${workflowName}" already exists`);
    }
    this.deps.onRunnable();
    return { id, details: detailsOf(instance) };
  }

  /** Creates many at once; ids that exist or repeat within the batch are skipped and left out. */
  async createBatch(workflowName: string, items: CreateInstanceInput[], options: CreateOptions = {}): Promise<CreatedInstance[]> {
    const definition = this.deps.registry.require(workflowName);
    const max = this.deps.limits.maxBatchSize;
    if (!Array.isArray(items) || items.length < 1 || items.length > max) {
      throw new EngineError('VALIDATION_ERROR', `A batch holds 1 to ${max} instances`, { issues: [`instances must hold 1 to ${max} items`] });
    }
    const unique = new Map<string, InstanceRecord>();
    const traceParent = this.traceParentOf(options);
    for (const [index, item] of items.entries()) {
      try {
        assertInstanceId(item?.id);
      } catch (error) {
        throw new EngineError('INVALID_INSTANCE_ID', (error as EngineError).message, { index, value: item?.id });
      }
      const issues = await checkParams(definition, item.params, this.deps.paramsClasses);
      if (issues.length) {
        throw new EngineError('WORKFLOW_PARAMS_INVALID', `Params of instance ${index} rejected by the workflow`, { index, issues });
      }
      if (!unique.has(item.id)) unique.set(item.id, this.newInstance(workflowName, item.id, this.serializeParams(item.params, index), traceParent));
    }
    const inserted = new Set(await this.deps.store.createInstances([...unique.values()], this.deps.clock.now()));
    if (inserted.size) this.deps.onRunnable();
    return [...unique.values()]
      .filter((instance) => inserted.has(instance.instanceId))
      .map((instance) => ({ id: instance.instanceId, details: detailsOf(instance) }));
  }

  private newInstance(workflowName: string, instanceId: string, params: string | null, traceParent: string | null): InstanceRecord {
    return newInstanceRecord({ workflowName, instanceId, params, traceParent }, this.deps.clock.now());
  }

  /** The given `traceparent` if valid, else the caller's active trace (or none). */
  private traceParentOf(options: CreateOptions): string | null {
    return normalizeTraceParent(options.traceParent) ?? normalizeTraceParent(this.deps.currentTraceParent());
  }

  private serializeParams(params: unknown, index?: number): string | null {
    const serialized = serializeJson(params, this.deps.limits.maxPayloadBytes);
    if (serialized.ok) return serialized.text;
    throw new EngineError('WORKFLOW_PARAMS_INVALID', `Params are ${serialized.reason}`, {
      ...(index === undefined ? {} : { index }),
      issues: [`params are ${serialized.reason}`],
    });
  }
}

/** A new instance as it is first stored: queued for its first run, created `now`. */
export function newInstanceRecord(
  given: Pick<InstanceRecord, 'workflowName' | 'instanceId' | 'params'> & Partial<Pick<InstanceRecord, 'traceParent' | 'parent' | 'parentClosePolicy'>>,
  now: number,
): InstanceRecord {
  return {
    runNumber: FIRST_RUN_NUMBER,
    status: INITIAL_STATUS,
    output: null,
    error: null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    completedAt: null,
    traceParent: null,
    parent: null,
    parentClosePolicy: null,
    ...given,
  };
}
