import type { WaitForWorkflowOptions } from '../definition/types';
import { MAX_DURATION_MS, parseDuration } from '../durations';
import { type ChildWorkflowFailure, errorInfo, toErrorInfo, WaitForWorkflowTimeoutError } from '../errors';
import { isValidId, isValidWorkflowName } from '../identifiers';
import { isTerminal } from '../lifecycle/transitions';
import { parseJson } from '../json';
import type { StepRecord } from '../model';
import { printable } from '../text';
import { failChildStep, failStep } from './step-outcome';
import type { StepHost } from './step-host';

const SECOND = 1000;

/**
 * `step.waitForWorkflow` past replay: answers the instance's output once it finished, throws a
 * ChildWorkflowError when it errored or was terminated, or parks until its deadline; the
 * instance's end wakes the run at once (see WorkflowStore.finishRun and awaitInstances).
 */
export async function runWaitForWorkflowStep(
  host: StepHost,
  name: string,
  target: { workflowName: string; instanceId: string },
  options: WaitForWorkflowOptions,
  stored: StepRecord | undefined,
): Promise<unknown> {
  const { workflowName, instanceId } = target;
  let deadline = stored?.wakeAt;
  let timeoutMs = stored?.timeoutMs ?? null;
  if (deadline == null) {
    if (!isValidWorkflowName(workflowName) || !isValidId(instanceId)) {
      const error = errorInfo('InvalidInstanceIdError', `Cannot wait for instance ${printable(instanceId)} of workflow ${printable(workflowName)}: not a valid name and id`);
      return failStep(host, name, 'waitForWorkflow', error);
    }
    try {
      timeoutMs = options.timeout === undefined ? MAX_DURATION_MS : parseDuration(options.timeout, { minMs: SECOND, maxMs: MAX_DURATION_MS });
    } catch (error) {
      return failStep(host, name, 'waitForWorkflow', toErrorInfo(error));
    }
    deadline = host.now() + timeoutMs;
  }
  const keys = { childWorkflowName: workflowName, childInstanceId: instanceId };
  const waiting = host.record(name, 'waitForWorkflow', { status: 'waiting', wakeAt: deadline, timeoutMs, ...keys });
  if (!host.startWork()) {
    host.defer(waiting);
    return host.park(name, host.now());
  }
  const instance = await host.findInstance(target);
  const failure: ChildWorkflowFailure = { workflowName, instanceId };
  if (!instance) return failChildStep(host, name, 'waitForWorkflow', `Instance "${instanceId}" of workflow "${workflowName}" does not exist`, failure);
  if (isTerminal(instance.status)) {
    if (instance.status === 'complete') {
      const record = host.record(name, 'waitForWorkflow', { status: 'completed', result: instance.output });
      await host.commit(record);
      return parseJson(instance.output) ?? null;
    }
    const ended = { ...failure, status: instance.status, ...(instance.error ? { childError: instance.error } : {}) };
    const cause = instance.error ? `: ${instance.error.name}: ${instance.error.message}` : '';
    return failChildStep(host, name, 'waitForWorkflow', `Instance "${instanceId}" of workflow "${workflowName}" ${instance.status === 'errored' ? 'errored' : 'was terminated'}${cause}`, ended);
  }
  if (deadline <= host.now()) {
    const error = new WaitForWorkflowTimeoutError(`Instance "${instanceId}" of workflow "${workflowName}" did not finish before the timeout of step "${name}"`);
    return failStep(host, name, 'waitForWorkflow', toErrorInfo(error));
  }
  host.defer(waiting);
  return host.park(name, deadline, { awaits: target });
}
