import { defineWorkflow } from '../engine';

/**
 * A parent runs a child workflow and completes with the child's result. `step.runWorkflow`
 * starts the child once per run of the parent (a replay finds the same child) and suspends the
 * parent until the child has finished: the child's end wakes it at once. Terminating or
 * restarting the parent terminates the child if it is still running.
 */
export const parentWorkflow = defineWorkflow<{ task?: string }>(
  { name: 'parent', description: 'Runs a "child" instance and completes with its result.' },
  async (event, step) => {
    const childId = `${event.instanceId}-child`;
    const child = await step.runWorkflow<{ result: string }>('child', { id: childId, params: { task: event.payload?.task ?? 'work' }, timeout: '1 hour' });
    return { childId, childResult: child.result };
  },
);

export const childWorkflow = defineWorkflow<{ task: string }>(
  { name: 'child', description: 'Does its task and returns the result to whoever waits for it.' },
  async (event, step) => {
    const result = await step.do('do task', async () => `${event.payload.task} done`);
    return { result };
  },
);
