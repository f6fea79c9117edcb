import type { EngineDeps } from '../engine-deps';
import { EngineError } from '../errors';
import { assertEventType, assertInstanceId } from '../identifiers';
import { serializeJson } from '../json';
import type { EventRecord, InstanceKey, InstanceRecord } from '../model';
import { detailsOf, iso, type InstanceDetails } from '../views';
import { lockInstance, terminalConflict } from './instance-lock';
import { moveFor, transitionFor } from './transitions';

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

/** Events sent to instances: stored durably, and waking a run that waits for one of their type. */
export class EventSending {
  constructor(private readonly deps: EngineDeps) {}

  async sendEvent(key: InstanceKey, input: SendEventInput): Promise<SentEvent> {
    this.deps.registry.require(key.workflowName);
    assertInstanceId(key.instanceId);
    assertEventType(input?.type);
    const eventId = input.id ?? undefined;
    if (eventId !== undefined) assertInstanceId(eventId);
    const payload = serializeJson(input.payload, this.deps.limits.maxPayloadBytes);
    if (!payload.ok) throw new EngineError('PAYLOAD_TOO_LARGE', `Event payload is ${payload.reason}`);
    // The transaction may run more than once (a lost lock race is retried): it only returns.
    const sent = await this.deps.store.transaction(async (tx): Promise<{ instance: InstanceRecord; event: EventRecord; runnable: boolean }> => {
      const { instance, task } = await lockInstance(tx, key, this.deps.registry);
      // A repeated id is answered again, even after the instance finished: retries stay safe.
      const existing = eventId === undefined ? null : await tx.findEvent(key, eventId);
      if (existing) return { instance, event: existing, runnable: false };
      const transition = transitionFor('event', instance.status);
      if (transition.kind === 'conflict') throw terminalConflict(instance, 'send an event to');
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
      if (transition.kind === 'store' && transition.wakes && task) {
        const woken = moveFor('wokenByEvent', instance.status).status;
        if (await tx.wakeIfWaitingFor(key, instance.runNumber, input.type, now, woken)) {
          return { instance: { ...instance, status: woken, updatedAt: now }, event, runnable: true };
        }
      }
      return { instance, event, runnable: false };
    });
    if (sent.runnable) this.deps.onRunnable();
    return { status: detailsOf(sent.instance), event: { id: sent.event.id, type: sent.event.type, createdAt: iso(sent.event.createdAt) } };
  }
}
