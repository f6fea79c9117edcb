import type { EngineDeps } from '../engine-deps';
import { EngineError, instanceNotFound } from '../errors';
import { assertEventType, assertInstanceId } from '../identifiers';
import { serializeJson } from '../json';
import { type EventRecord, type InstanceKey, type InstanceRecord, type InstanceStatus, type TaskRecord, unleasedTask } from '../model';
import type { StoreTransaction } from '../ports/store';
import { type InstanceDetails, detailsOf, iso } from '../views';
import { checkParams } from './params-check';
import { type ManagementAction, transitionFor } from './transitions';

export interface CreateInstanceInput {
  id?: string;
  params?: unknown;
}

export interface CreatedInstance {
  id: string;
  details: InstanceDetails;
}

export interface SendEventInput {
  type: string;
  payload?: unknown;
  /** Makes the send idempotent: a repeated id for the same instance is stored once. */
  id?: string;
}

export interface SentEvent {
  status: InstanceDetails;
  event: { id: string; type: string; createdAt: string };
}

/** Every change to an instance from outside the runner: create, manage, send events. */
export class InstanceLifecycle {
  constructor(private readonly deps: EngineDeps) {}

  async create(workflowName: string, input: CreateInstanceInput): Promise<CreatedInstance> {
    const definition = this.deps.registry.require(workflowName);
    const id = input.id ?? this.deps.ids.next();
    assertInstanceId(id);
    const issues = await checkParams(definition, input.params, this.deps.validateParamsClass);
    if (issues.length) throw new EngineError('WORKFLOW_PARAMS_INVALID', 'Params rejected by the workflow', { issues });
    const instance = this.newInstance(workflowName, id, this.serializeParams(input.params));
    const inserted = await this.deps.store.createInstances([instance], this.deps.clock.now());
    if (!inserted.length) {
      throw new EngineError('INSTANCE_ID_ALREADY_EXISTS', `Instance "${id}" of workflow "${workflowName}" already exists`);
    }
    this.deps.onRunnable();
    return { id, details: detailsOf(instance) };
  }

  /** Creates many at once; ids that exist or repeat within the batch are skipped and left out. */
  async createBatch(workflowName: string, items: CreateInstanceInput[]): Promise<CreatedInstance[]> {
    const definition = this.deps.registry.require(workflowName);
    if (!Array.isArray(items) || items.length < 1 || items.length > this.deps.limits.maxBatchSize) {
      throw new EngineError('VALIDATION_ERROR', `A batch holds 1 to ${this.deps.limits.maxBatchSize} instances`, {
        issues: [`instances must hold 1 to ${this.deps.limits.maxBatchSize} items`],
      });
    }
    const unique = new Map<string, InstanceRecord>();
    for (const [index, item] of items.entries()) {
      try {
        assertInstanceId(item?.id);
      } catch (error) {
        throw new EngineError('INVALID_INSTANCE_ID', (error as EngineError).message, { index, value: item?.id });
      }
      const issues = await checkParams(definition, item.params, this.deps.validateParamsClass);
      if (issues.length) {
        throw new EngineError('WORKFLOW_PARAMS_INVALID', `Params of instance ${index} rejected by the workflow`, { index, issues });
      }
      if (!unique.has(item.id)) unique.set(item.id, this.newInstance(workflowName, item.id, this.serializeParams(item.params, index)));
    }
    const inserted = new Set(await this.deps.store.createInstances([...unique.values()], this.deps.clock.now()));
    if (inserted.size) this.deps.onRunnable();
    return [...unique.values()]
      .filter((instance) => inserted.has(instance.instanceId))
      .map((instance) => ({ id: instance.instanceId, details: detailsOf(instance) }));
  }

  /** pause, resume, terminate or restart, as the transition table says. */
  async manage(key: InstanceKey, action: ManagementAction): Promise<CreatedInstance> {
    this.deps.registry.require(key.workflowName);
    assertInstanceId(key.instanceId);
    // The transaction may run more than once (a lost lock race is retried): it only returns.
    const { instance, runnable } = await this.deps.store.transaction(async (tx): Promise<{ instance: InstanceRecord; runnable: boolean }> => {
      const { instance, task } = await this.lock(tx, key);
      const transition = transitionFor(action, instance.status);
      const now = this.deps.clock.now();
      switch (transition.kind) {
        case 'conflict':
          throw terminal(instance, action);
        case 'noop':
        case 'store':
          return { instance, runnable: false };
        case 'newRun': {
          const runNumber = instance.runNumber + 1;
          const restarted: InstanceRecord = {
            ...instance,
            runNumber,
            status: 'queued',
            output: null,
            error: null,
            startedAt: null,
            completedAt: null,
            updatedAt: now,
          };
          const { output, error, startedAt, completedAt, updatedAt, status } = restarted;
          await tx.updateInstance(key, { runNumber, status, output, error, startedAt, completedAt, updatedAt });
          await tx.putTasks([this.newTask(key, runNumber, 'new', now)]);
          await tx.signalRunnable();
          await this.systemLog(tx, key, runNumber, `Restarted (run ${instance.runNumber} was ${instance.status})`);
          return { instance: restarted, runnable: true };
        }
        case 'to': {
          const changed: InstanceRecord = {
            ...instance,
            status: transition.status,
            updatedAt: now,
            ...(transition.status === 'terminated' ? { completedAt: now } : {}),
          };
          await tx.updateInstance(key, { status: changed.status, updatedAt: now, completedAt: changed.completedAt });
          const runnable = transition.queue === 'dueNow' && task !== null;
          if (transition.queue === 'delete') await tx.deleteTask(key);
          else if (task) {
            const dueAt = transition.queue === 'keep' ? task.dueAt : runnable ? now : null;
            await tx.putTasks([{ ...task, dueAt, pauseRequested: transition.status === 'waitingForPause' }]);
            if (runnable) await tx.signalRunnable();
          }
          await this.systemLog(tx, key, instance.runNumber, ACTION_LOG[transition.status] ?? action);
          return { instance: changed, runnable };
        }
      }
    });
    if (runnable) this.deps.onRunnable();
    return { id: key.instanceId, details: detailsOf(instance) };
  }

  async sendEvent(key: InstanceKey, input: SendEventInput): Promise<SentEvent> {
    this.deps.registry.require(key.workflowName);
    assertInstanceId(key.instanceId);
    assertEventType(input?.type);
    const eventId = input.id ?? undefined;
    if (eventId !== undefined) assertInstanceId(eventId);
    const payload = serializeJson(input.payload, this.deps.limits.maxPayloadBytes);
    if (!payload.ok) throw new EngineError('PAYLOAD_TOO_LARGE', `Event payload is ${payload.reason}`);
    const sent = await this.deps.store.transaction(async (tx): Promise<{ instance: InstanceRecord; event: EventRecord; runnable: boolean }> => {
      const { instance, task } = await this.lock(tx, key);
      // A repeated id is answered again, even after the instance finished: retries stay safe.
      const existing = eventId === undefined ? null : await tx.findEvent(key, eventId);
      if (existing) return { instance, event: existing, runnable: false };
      const transition = transitionFor('event', instance.status);
      if (transition.kind === 'conflict') throw terminal(instance, 'event');
      const now = this.deps.clock.now();
      const event = await tx.insertEvent({
        ...key,
        runNumber: instance.runNumber,
        id: eventId ?? this.deps.ids.next(),
        type: input.type,
        payload: payload.text,
        createdAt: now,
        deliveredAt: null,
        consumedByStep: null,
      });
      const wakes = transition.kind === 'store' && transition.wakes && instance.status === 'waiting';
      if (wakes && task && (await tx.wakeIfWaitingFor(key, instance.runNumber, input.type, now))) {
        return { instance: { ...instance, status: 'queued' as const, updatedAt: now }, event, runnable: true };
      }
      return { instance, event, runnable: false };
    });
    if (sent.runnable) this.deps.onRunnable();
    return { status: detailsOf(sent.instance), event: eventReceipt(sent.event) };
  }

  private async lock(tx: StoreTransaction, key: InstanceKey): Promise<{ instance: InstanceRecord; task: TaskRecord | null }> {
    const { instance, task } = await tx.lockInstance(key);
    if (!instance) throw instanceNotFound(key);
    return { instance, task };
  }

  private newInstance(workflowName: string, instanceId: string, params: string | null): InstanceRecord {
    const now = this.deps.clock.now();
    return {
      workflowName,
      instanceId,
      runNumber: 1,
      status: 'queued',
      params,
      output: null,
      error: null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      completedAt: null,
    };
  }

  private newTask(key: InstanceKey, runNumber: number, kind: TaskRecord['kind'], dueAt: number): TaskRecord {
    const { workflowName, instanceId } = key;
    return unleasedTask({ workflowName, instanceId }, runNumber, kind, dueAt);
  }

  private serializeParams(params: unknown, index?: number): string | null {
    const serialized = serializeJson(params, this.deps.limits.maxPayloadBytes);
    if (serialized.ok) return serialized.text;
    throw new EngineError('WORKFLOW_PARAMS_INVALID', `Params are ${serialized.reason}`, {
      ...(index === undefined ? {} : { index }),
      issues: [`params are ${serialized.reason}`],
    });
  }

  private systemLog(tx: StoreTransaction, key: InstanceKey, runNumber: number, message: string): Promise<void> {
    const { workflowName, instanceId } = key;
    return tx.insertLogs([
      {
        workflowName,
        instanceId,
        runNumber,
        stepName: null,
        attempt: null,
        level: 'info',
        category: 'system',
        message,
        data: null,
        isReplay: false,
        createdAt: this.deps.clock.now(),
      },
    ]);
  }
}

/** The system log line for each status an action can lead to. */
const ACTION_LOG: Partial<Record<InstanceStatus, string>> = {
  paused: 'Paused',
  waitingForPause: 'Pause requested; pausing at the next step boundary',
  queued: 'Resumed',
  running: 'Resumed; pause request withdrawn',
  terminated: 'Terminated',
};

function eventReceipt(event: EventRecord): SentEvent['event'] {
  return { id: event.id, type: event.type, createdAt: iso(event.createdAt) };
}

function terminal(instance: InstanceRecord, action: string): EngineError {
  return new EngineError('INSTANCE_TERMINAL', `Cannot ${action} instance "${instance.instanceId}": it is ${instance.status}`, {
    status: instance.status,
  });
}
