import { paramsClasses } from '../../src/core/params-classes';
import { EngineError } from '../../src/engine';
import { exampleWorkflows } from '../../src/examples';
import { TEST_DATABASES } from '../support/databases';
import { createTestEngine, type TestEngine } from '../support/test-engine';

describe.each(TEST_DATABASES)('example workflows on %s', (kind) => {
  let t: TestEngine;
  beforeEach(async () => {
    t = await createTestEngine(kind, exampleWorkflows, { paramsClasses });
  });
  afterEach(() => t.dispose());

  it('registers the examples by name', () => {
    expect(t.client.listWorkflows().map((w) => w.name)).toEqual(['approval', 'order', 'parent', 'child']);
  });

  it('approval: waits for the decision, cools off, pays out', async () => {
    await t.client.create('approval', { id: 'req-1', params: { requester: 'ada', amount: 120 } });
    await t.runUntilIdle();
    expect((await t.client.get('approval', 'req-1')).meta.currentStep).toMatchObject({
      name: 'wait for decision',
      type: 'waitForEvent',
      status: 'waiting',
      waitEventType: 'approval',
    });
    const sent = await t.client.sendEvent('approval', 'req-1', { type: 'approval', payload: { approved: true, approver: 'grace' } });
    expect(sent.status.status).toBe('queued');
    await t.runUntilIdle();
    expect((await t.client.get('approval', 'req-1')).details.status).toBe('waiting');
    await t.clock.advance(5_000);
    await t.runUntilIdle();
    expect((await t.client.get('approval', 'req-1')).details).toEqual({
      status: 'complete',
      output: { status: 'paid', approver: 'grace', paid: 120, to: 'ada' },
    });
  });

  it('approval: rejects when no decision arrives within the hour', async () => {
    await t.client.create('approval', { id: 'req-2', params: { requester: 'ada', amount: 5 } });
    await t.runUntilIdle();
    await t.clock.advance(60 * 60 * 1000);
    await t.runUntilIdle();
    expect((await t.client.get('approval', 'req-2')).details).toEqual({
      status: 'complete',
      output: { status: 'rejected', comment: 'timed out' },
    });
  });

  it('approval: rejects invalid params with the issues', async () => {
    const error = await t.client.create('approval', { params: { amount: -1 } }).catch((e: EngineError) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('WORKFLOW_PARAMS_INVALID');
    expect((error as EngineError).details?.issues).toEqual(['requester must be a non-empty string', 'amount must be a positive number']);
  });

  it('order: stock reservation is retried twice with linear backoff, then the order ships', async () => {
    await t.client.create('order', { id: 'o-1', params: { orderId: '1', items: ['book'] } });
    await t.runUntilIdle();
    await t.clock.advance(1_000); // retry 1 after 1 s
    await t.runUntilIdle();
    await t.clock.advance(2_000); // retry 2 after 2 s
    await t.runUntilIdle();
    const order = await t.client.get('order', 'o-1');
    expect(order.details).toEqual({ status: 'complete', output: { orderId: '1', trackingNumber: 'TRACK-1' } });
    const { steps } = await t.client.history('order', 'o-1');
    expect(steps.find((s) => s.name === 'reserve stock')).toMatchObject({ attempts: 3, maxAttempts: 5, status: 'completed' });
  });

  it('order: a declined card is not retried, releases the stock and fails the order', async () => {
    await t.client.create('order', { id: 'o-2', params: { orderId: '2', items: ['pen'], declineCard: true } });
    await t.runUntilIdle();
    await t.clock.advance(1_000);
    await t.runUntilIdle();
    await t.clock.advance(2_000);
    await t.runUntilIdle();
    const order = await t.client.get('order', 'o-2');
    expect(order.details).toEqual({ status: 'errored', error: { name: 'NonRetryableError', message: 'card declined' } });
    const { steps } = await t.client.history('order', 'o-2', { order: 'asc' });
    expect(steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['reserve stock', 'completed', 3],
      ['charge card', 'errored', 1],
      ['release stock', 'completed', 1],
    ]);
  });

  it('order: params are validated by the class-validator DTO, unknown fields rejected', async () => {
    const error = (await t.client
      .create('order', { params: { orderId: 7, items: 'x', coupon: 'FREE' } })
      .catch((e: unknown) => e)) as EngineError;
    expect(error.code).toBe('WORKFLOW_PARAMS_INVALID');
    expect(error.details?.issues).toEqual(
      expect.arrayContaining([expect.stringContaining('orderId'), expect.stringContaining('items'), expect.stringContaining('coupon')]),
    );
    expect((await t.client.list('order')).instances).toHaveLength(0);
  });

  it('parent/child: the parent runs a child and completes with its result', async () => {
    await t.client.create('parent', { id: 'p-1', params: { task: 'index' } });
    await t.runUntilIdle();
    const child = await t.client.get('child', 'p-1-child');
    expect(child.details).toEqual({ status: 'complete', output: { result: 'index done' } });
    expect(child.meta.parent).toEqual({ workflowName: 'parent', instanceId: 'p-1', runNumber: 0 });
    expect((await t.client.get('parent', 'p-1')).details).toEqual({
      status: 'complete',
      output: { childId: 'p-1-child', childResult: 'index done' },
    });
  });
});
