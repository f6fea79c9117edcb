import type { StepAttempt, StepConfig } from '../definition/types';
import { MAX_DURATION_MS } from '../durations';
import { type ErrorInfo, StepResultError, StepTimeoutError, isNonRetryable, toErrorInfo } from '../errors';
import { runInScope } from '../execution-scope';
import { serializeJson } from '../json';
import type { StepRecord } from '../model';
import type { AttemptObservation } from '../ports/telemetry';
import { maxAttemptsOf, resolveRetryPolicy, retryDelayMs } from './retry-policy';
import { failStep, readResult } from './step-outcome';
import type { StepHost } from './step-host';

export type StepCallback<T> = (attempt: StepAttempt) => Promise<T> | T;

type AttemptResult = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * `step.do` past replay: waits out a scheduled retry, runs one attempt under its timeout, and
 * records the result, the failure for good, or the next retry.
 */
export async function runDoStep(
  host: StepHost,
  name: string,
  config: StepConfig,
  callback: StepCallback<unknown>,
  stored: StepRecord | undefined,
): Promise<unknown> {
  let policy;
  try {
    policy = resolveRetryPolicy(config);
  } catch (error) {
    return failStep(host, name, 'do', toErrorInfo(error));
  }
  const retryAt = stored?.nextRetryAt;
  if (retryAt && retryAt > host.now()) return host.park(name, retryAt);
  if (!host.startWork()) return host.park(name, host.now());

  const attempt = (stored?.attempts ?? 0) + 1;
  const shape = { attempts: attempt, maxAttempts: maxAttemptsOf(policy), timeoutMs: policy.timeoutMs };
  const observed = host.observation.stepAttempt({ name, type: 'do', attempt });
  const result = await runAttempt(host, name, callback, attempt, policy.timeoutMs, observed);
  if (result.ok) {
    const serialized = serializeJson(result.value, host.limits.maxPayloadBytes);
    if (!serialized.ok) {
      const error = toErrorInfo(new StepResultError(`Step "${name}" returned a value that is ${serialized.reason}`));
      observed.ended({ ok: false, error, retryAt: null });
      return failStep(host, name, 'do', error, shape);
    }
    const record = host.record(name, 'do', { ...shape, status: 'completed', result: serialized.text, nextRetryAt: null, error: null });
    observed.ended({ ok: true });
    await host.commit(record);
    return readResult(record);
  }

  const error: ErrorInfo = toErrorInfo(result.error);
  host.systemLog('warn', `Attempt ${attempt} failed: ${error.name}: ${error.message}`, { name, attempt });
  const retriesLeft = shape.maxAttempts === null || attempt < shape.maxAttempts;
  if (isNonRetryable(result.error) || !retriesLeft) {
    observed.ended({ ok: false, error, retryAt: null });
    return failStep(host, name, 'do', error, shape);
  }

  const nextRetryAt = host.now() + Math.min(retryDelayMs(policy, attempt), MAX_DURATION_MS);
  observed.ended({ ok: false, error, retryAt: nextRetryAt });
  host.systemLog('info', `Retry scheduled for ${new Date(nextRetryAt).toISOString()}`, { name, attempt });
  host.defer(host.record(name, 'do', { ...shape, status: 'waiting', nextRetryAt, error }));
  return host.park(name, nextRetryAt);
}

/**
 * Runs one attempt under its timeout; a late result after the timeout is discarded. Its signal
 * aborts at the timeout or when the claim ends (StepAttempt.signal).
 */
function runAttempt(
  host: StepHost,
  name: string,
  callback: StepCallback<unknown>,
  attempt: number,
  timeoutMs: number,
  observed: AttemptObservation,
): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    const timedOut = new AbortController();
    const signal = AbortSignal.any([timedOut.signal, host.signal]);
    const cancelTimeout = host.setTimer(timeoutMs, () => {
      const error = new StepTimeoutError(`Step "${name}" attempt ${attempt} timed out after ${timeoutMs} ms`);
      resolve({ ok: false, error });
      timedOut.abort(error);
    });
    runInScope({ ...host.scope, stepName: name, attempt }, () => observed.run(async () => callback({ attempt, signal })))
      .then(
        (value) => resolve({ ok: true, value }),
        (error: unknown) => resolve({ ok: false, error }),
      )
      .finally(cancelTimeout);
  });
}
