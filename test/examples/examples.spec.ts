/**
 * The example workflows (src/examples), tested as their author would: with the testing kit, time
 * moved by `advance`, outside services replaced with `mockStep`.
 */
import { EngineError, NonRetryableError } from '../../src/engine';
import { exampleWorkflows } from '../../src/examples';
import type { TestEngine } from '../../src/testing';
import { TEST_DATABASES } from '../support/databases';
import { kitEngine } from '../support/kit-engine';

describe.each(TEST_DATABASES)('the example workflows on %s', (kind) => {
  let t: TestEngine;
  beforeEach(async () => {
    t = await kitEngine(kind, { workflows: exampleWorkflows });
  });

  it('are registered by name', () => {
    expect(t.listWorkflows().map((w) => w.name)).toEqual(['approval', 'order', 'parent', 'child']);
  });

  describe('approval', () => {
    it('waits for the decision, cools off for 5 seconds, pays out', async () => {
      await t.create('approval', { id: 'req-1', params: { requester: 'ada', amount: 120 } });
      await t.runUntilIdle();
      expect((await t.get('approval', 'req-1')).meta.currentStep).toMatchObject({ name: 'wait for decision', status: 'waiting', waitEventType: 'approval' });

      await t.sendEvent('approval', 'req-1', { type: 'approval', payload: { approved: true, approver: 'grace' } });
      await t.advance('4 seconds');
      expect((await t.get('approval', 'req-1')).meta.currentStep).toMatchObject({ name: 'cooling off', status: 'waiting' });
      await t.advance('1 second');
      expect((await t.get('approval', 'req-1')).details).toEqual({
        status: 'complete',
        output: { status: 'paid', approver: 'grace', paid: 120, to: 'ada' },
      });
    });

    it('rejects the request when no decision arrives within the hour', async () => {
      await t.create('approval', { id: 'req-2', params: { requester: 'ada', amount: 5 } });
      await t.advance('1 hour');
      expect((await t.get('approval', 'req-2')).details).toEqual({ status: 'complete', output: { status: 'rejected', comment: 'timed out' } });
    });

    it('refuses invalid params with every issue', async () => {
      const error = await t.create('approval', { params: { amount: -1 } }).catch((e: EngineError) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect(error).toMatchObject({
        code: 'WORKFLOW_PARAMS_INVALID',
        details: { issues: ['requester must be a non-empty string', 'amount must be a positive number'] },
      });
    });
  });

  describe('order', () => {
    /** Each step of an order, oldest first: its name, status and attempts. */
    const stepsOf = async (id: string) => (await t.history('order', id, { order: 'asc' })).steps.map((s) => [s.name, s.status, s.attempts]);

    it('retries the stock reservation with linear backoff (1 s, then 2 s), then ships', async () => {
      await t.create('order', { id: 'o-1', params: { orderId: '1', items: ['book'] } });
      await t.advance('2 seconds');
      expect((await t.get('order', 'o-1')).meta.currentStep).toMatchObject({ name: 'reserve stock', attempts: 2, status: 'waiting' });
      await t.advance('1 second');
      expect((await t.get('order', 'o-1')).details).toEqual({ status: 'complete', output: { orderId: '1', trackingNumber: 'TRACK-1' } });
      expect(await stepsOf('o-1')).toEqual([
        ['reserve stock', 'completed', 3],
        ['charge card', 'completed', 1],
        ['ship', 'completed', 1],
      ]);
    });

    it('a declined card (the payment provider mocked) is not retried: the stock is released and the order fails', async () => {
      t.mockStep('order', 'charge card', () => {
        throw new NonRetryableError('card declined');
      });
      await t.create('order', { id: 'o-2', params: { orderId: '2', items: ['pen'] } });
      await t.advance('1 minute');
      expect((await t.get('order', 'o-2')).details).toEqual({ status: 'errored', error: { name: 'NonRetryableError', message: 'card declined' } });
      expect(await stepsOf('o-2')).toEqual([
        ['reserve stock', 'completed', 3],
        ['charge card', 'errored', 1],
        ['release stock', 'completed', 1],
      ]);
    });

    it('refuses params the class-validator DTO rejects, unknown fields included', async () => {
      const error = await t.create('order', { params: { orderId: 7, items: 'x', coupon: 'FREE' } }).catch((e: EngineError) => e);
      expect(error).toMatchObject({ code: 'WORKFLOW_PARAMS_INVALID' });
      expect((error as EngineError).details?.issues).toEqual(
        expect.arrayContaining([expect.stringContaining('orderId'), expect.stringContaining('items'), expect.stringContaining('coupon')]),
      );
      expect((await t.list('order')).instances).toHaveLength(0);
    });
  });

  describe('parent/child', () => {
    it('the parent runs a child and completes with its result', async () => {
      await t.create('parent', { id: 'p-1', params: { task: 'index' } });
      await t.runUntilIdle();
      const child = await t.get('child', 'p-1-child');
      expect(child.details).toEqual({ status: 'complete', output: { result: 'index done' } });
      expect(child.meta.parent).toEqual({ workflowName: 'parent', instanceId: 'p-1', runNumber: 0 });
      expect((await t.get('parent', 'p-1')).details).toEqual({ status: 'complete', output: { childId: 'p-1-child', childResult: 'index done' } });
    });

    it("a child that fails fails its parent at once, with the child's error", async () => {
      t.mockStep('child', 'do task', () => {
        throw new NonRetryableError('disk full');
      });
      await t.create('parent', { id: 'p-2', params: { task: 'index' } });
      await t.runUntilIdle();
      expect((await t.get('child', 'p-2-child')).details).toEqual({ status: 'errored', error: { name: 'NonRetryableError', message: 'disk full' } });
      expect((await t.get('parent', 'p-2')).details).toMatchObject({ status: 'errored', error: { name: 'ChildWorkflowError' } });
    });
  });
});
