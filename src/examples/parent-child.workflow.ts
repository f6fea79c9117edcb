import { defineWorkflow, EngineError } from '../engine';

/**
 * A parent starts a child workflow and waits for the child to report back with an event.
 * Both calls to other instances happen inside `step.do`, so a replay does not repeat them, and
 * both are idempotent (fixed ids), so a retried step does not either.
 */
export const parentWorkflow = defineWorkflow<{ task?: string }>(
  { name: 'parent', description: 'Starts a "child" instance and waits for its "child-done" event.' },
  async (event, step, { workflows }) => {
    const childId = `${event.instanceId}-child`;
    await step.do('start child', async () => {
      try {
        await workflows.create('child', { id: childId, params: { parentId: event.instanceId, task: event.payload?.task ?? 'work' } });
      } catch (error) {
        if ((error as EngineError).code !== 'INSTANCE_ID_ALREADY_EXISTS') throw error;
      }
      return { childId };
    });
    const done = await step.waitForEvent<{ result: string }>('wait for child', { type: 'child-done', timeout: '1 hour' });
    return { childId, childResult: done.payload.result };
  },
);

export const childWorkflow = defineWorkflow<{ parentId: string; task: string }>(
  { name: 'child', description: 'Does its task, then sends "child-done" to its parent.' },
  async (event, step, { workflows }) => {
    const result = await step.do('do task', async () => `${event.payload.task} done`);
    await step.do('notify parent', async () => {
      await workflows.sendEvent('parent', event.payload.parentId, {
        type: 'child-done',
        id: `child-done-${event.instanceId}`,
        payload: { result },
      });
    });
    return { result };
  },
);
