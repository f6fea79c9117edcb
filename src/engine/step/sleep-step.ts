import { InvalidDurationError, toErrorInfo } from '../errors';
import { MAX_DURATION_MS } from '../durations';
import { printable } from '../text';
import type { StepRecord } from '../model';
import { failStep } from './step-outcome';
import type { StepHost } from './step-host';

/**
 * `step.sleep` and `step.sleepUntil` past replay. The wake time is fixed the first time the sleep
 * runs and stored with it, so a replay never pushes it later.
 */
export async function runSleepStep(host: StepHost, name: string, stored: StepRecord | undefined, wakeTime: () => number): Promise<void> {
  let wakeAt = stored?.wakeAt;
  if (wakeAt == null) {
    try {
      wakeAt = wakeTime();
    } catch (error) {
      return failStep(host, name, 'sleep', toErrorInfo(error));
    }
  }
  const waiting = host.record(name, 'sleep', { status: 'waiting', wakeAt });
  if (wakeAt > host.now()) {
    host.defer(waiting);
    return host.park(name, wakeAt);
  }
  if (!host.startWork()) {
    host.defer(waiting);
    return host.park(name, host.now());
  }
  // Nothing happened in the world: the completion can ride along with the next commit.
  host.defer(host.record(name, 'sleep', { status: 'completed' }));
}

/**
 * `sleepUntil`'s argument as whole epoch ms, at most 365 days ahead. A time before 1970 is kept
 * as 1970-01-01: it has passed either way, and not every earlier time fits both databases.
 */
export function wakeTimeOf(until: Date | number | string, now: number): number {
  const time = until instanceof Date ? until.getTime() : typeof until === 'number' ? until : Date.parse(until);
  if (!Number.isFinite(time)) throw new InvalidDurationError(`Invalid sleepUntil time ${printable(until)}`);
  if (time - now > MAX_DURATION_MS) throw new InvalidDurationError('sleepUntil may be at most 365 days ahead');
  return Math.max(Math.round(time), 0);
}
