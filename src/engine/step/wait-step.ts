import { type Duration, MAX_DURATION_MS, parseDuration } from '../durations';
import { WaitForEventTimeoutError, errorInfo, toErrorInfo } from '../errors';
import { isValidId } from '../identifiers';
import { parseJson } from '../json';
import type { StepRecord } from '../model';
import { failStep, readResult } from './step-outcome';
import type { StepHost } from './step-host';

const SECOND = 1000;
const DEFAULT_EVENT_TIMEOUT = '24 hours';

/**
 * `step.waitForEvent` past replay: consumes the oldest undelivered event of the type (in the
 * same write as the step's completion), or parks until the deadline, or fails when it passed.
 */
export async function runWaitStep(
  host: StepHost,
  name: string,
  options: { type: string; timeout?: Duration },
  stored: StepRecord | undefined,
): Promise<unknown> {
  const type = options?.type;
  let deadline = stored?.wakeAt;
  let timeoutMs = stored?.timeoutMs ?? null;
  if (deadline == null) {
    if (!isValidId(type)) return failStep(host, name, 'waitForEvent', errorInfo('InvalidEventTypeError', `Invalid event type ${describe(type)}`));
    try {
      timeoutMs = parseDuration(options.timeout ?? DEFAULT_EVENT_TIMEOUT, { minMs: SECOND, maxMs: MAX_DURATION_MS });
    } catch (error) {
      return failStep(host, name, 'waitForEvent', toErrorInfo(error));
    }
    deadline = host.now() + timeoutMs;
  }
  const waiting = host.record(name, 'waitForEvent', { status: 'waiting', wakeAt: deadline, timeoutMs, waitEventType: type });
  if (!host.startWork()) {
    host.defer(waiting);
    return host.park(name, host.now());
  }

  const until = deadline;
  const delivered = await host.oneDeliveryAtATime(async () => {
    const event = await host.peekEvent(type, until);
    if (!event) return undefined;
    const received = { type, payload: parseJson(event.payload) ?? null, timestamp: new Date(event.createdAt).toISOString() };
    const record = host.record(name, 'waitForEvent', { status: 'completed', result: JSON.stringify(received) });
    const at = host.now();
    await host.commit(record, { event, stepName: name, at });
    host.observation.eventDelivered({ type, waitedMs: Math.max(0, at - event.createdAt) });
    return record;
  });
  if (delivered) return readResult(delivered);
  if (deadline <= host.now()) {
    const error = new WaitForEventTimeoutError(`No "${type}" event arrived for step "${name}" before its timeout`);
    return failStep(host, name, 'waitForEvent', toErrorInfo(error));
  }
  host.defer(waiting);
  return host.park(name, deadline, { wait: { type, deadline } });
}

/** An invalid type as text, whatever it is (a BigInt or a throwing object included). */
function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
