import { defineWorkflow, EngineError } from '../../src/engine';
import { TEST_DATABASES } from '../support/databases';
import { createTestEngine } from '../support/test-engine';

const quick = defineWorkflow({ name: 'quick' }, async (_event, step) => step.do('only', async () => 'done'));

describe.each(TEST_DATABASES)('concurrent actions on one instance on %s', (kind) => {
  it('restarts, pauses and terminates at once on a finished instance, with the runner claiming, never fail with anything but the codes the status table gives', async () => {
    const t = await createTestEngine(kind, [quick]);
    await t.client.create('quick', { id: 'q' });
    await t.runUntilIdle();
    const unexpected: unknown[] = [];
    for (let round = 0; round < 10; round++) {
      const actions = [
        ...Array.from({ length: 10 }, () => t.client.restart('quick', 'q')),
        ...Array.from({ length: 10 }, () => t.client.pause('quick', 'q')),
        ...Array.from({ length: 10 }, () => t.client.terminate('quick', 'q')),
        t.client.tick({ maxInstances: 5 }),
        t.client.tick({ maxInstances: 5 }),
      ];
      for (const result of await Promise.allSettled(actions)) {
        if (result.status === 'fulfilled') continue;
        const error = result.reason as EngineError;
        // Only pause and terminate may find the instance terminal; nothing else may fail.
        if (!(error instanceof EngineError && error.code === 'INSTANCE_TERMINAL')) unexpected.push(error);
      }
      await t.runUntilIdle();
    }
    expect(unexpected).toEqual([]);
    const { details, meta } = await t.client.get('quick', 'q');
    expect(['complete', 'terminated', 'paused']).toContain(details.status);
    expect(meta.runNumber).toBeGreaterThan(1);
  });
});
