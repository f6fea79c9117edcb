import type { ChildWorkflowHandle, StartWorkflowOptions } from '../definition/types';
import { isValidWorkflowName } from '../identifiers';
import { failChildStep } from './step-outcome';
import type { StepHost } from './step-host';

/**
 * `step.startWorkflow` past replay: checks the child, then creates it in the same transaction
 * that records the step as completed (with the child's key), so a crash can neither lose the
 * child nor start it twice: a replay answers the stored child.
 */
export async function runStartWorkflowStep(host: StepHost, name: string, workflowName: string, options: StartWorkflowOptions): Promise<ChildWorkflowHandle> {
  const prepared = await host.children.prepare(host.scope, name, workflowName, options);
  if (!prepared.ok) {
    const failure = { workflowName: prepared.workflowName, instanceId: prepared.instanceId };
    const fields = isValidWorkflowName(failure.workflowName) ? { childWorkflowName: failure.workflowName } : {};
    return failChildStep(host, name, 'startWorkflow', `Could not start the child workflow: ${prepared.message}`, failure, fields);
  }
  if (!host.startWork()) return host.park(name, host.now());
  const { child } = prepared;
  const handle: ChildWorkflowHandle = { workflowName: child.workflowName, instanceId: child.instanceId };
  const keys = { childWorkflowName: child.workflowName, childInstanceId: child.instanceId };
  let refusal: string | undefined;
  await host.commitWith(async (tx) => {
    const started = await host.children.start(tx, child);
    refusal = started.ok ? undefined : started.message;
    // Refused: only the rows kept for this commit are written; the step fails below.
    return started.ok ? host.record(name, 'startWorkflow', { ...keys, status: 'completed', result: JSON.stringify(handle) }) : null;
  });
  if (refusal !== undefined) return failChildStep(host, name, 'startWorkflow', `Could not start the child workflow: ${refusal}`, handle, keys);
  host.wakeRunner();
  return handle;
}
