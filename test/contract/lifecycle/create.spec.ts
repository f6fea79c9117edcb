/**
 * Contract tests for creating instances, one and in batches,
 * through the programmatic client, on a real SQLite file and a real PostgreSQL database. Time only
 * moves with the ManualClock; the runner only moves with `tick`.
 */
import { defineWorkflow } from '../../../src/engine/definition/define-workflow';
import { EngineError } from '../../../src/engine/errors';
import { TEST_DATABASES } from '../../support/databases';
import { expectCode, rejection } from '../../support/engine-errors';
import { countingWorkflow, lifecycleHarness, UUID, validatedWorkflow } from '../../support/lifecycle';
import { ONE_MIB } from '../../support/sizes';

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
  const { setup, ids } = lifecycleHarness(kind);

  // ---- 1. create ------------------------------------------------------------------------------

  describe('create', () => {
    it('generates a UUID id when none is given and queues the instance', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const created = await t.client.create('three');
      expect(created.id).toMatch(UUID);
      expect(created).toEqual({ id: created.id, details: { status: 'queued' } });
      const other = await t.client.create('three', { params: { n: 2 } });
      expect(other.id).toMatch(UUID);
      expect(other.id).not.toBe(created.id);
      expect((await t.client.get('three', created.id)).details).toEqual({ status: 'queued' });
      expect((await ids(t, 'three')).sort()).toEqual([created.id, other.id].sort());
    });

    it('an instance created without params shows params {} and its workflow gets {} as the event payload', async () => {
      const payloads: unknown[] = [];
      const wf = defineWorkflow({ name: 'echo' }, async (event, step) => {
        payloads.push(event.payload);
        return step.do('echo', async () => event.payload);
      });
      const t = await setup([wf]);
      await t.client.create('echo', { id: 'bare' });
      await t.client.createBatch('echo', [{ id: 'bare-batch' }]);
      expect((await t.client.get('echo', 'bare')).meta.params).toEqual({});
      expect((await t.client.get('echo', 'bare-batch')).meta.params).toEqual({});
      await t.runUntilIdle();
      expect(payloads).toEqual([{}, {}]);
      expect((await t.client.get('echo', 'bare')).details).toEqual({ status: 'complete', output: {} });
    });

    it('keeps a given id, including the boundary lengths 1 and 100', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      for (const id of ['order_42-a', '_x', '7', 'a'.repeat(100)]) {
        expect(await t.client.create('three', { id, params: { id } })).toEqual({ id, details: { status: 'queued' } });
        const view = await t.client.get('three', id);
        expect(view.id).toBe(id);
        expect(view.meta.params).toEqual({ id });
      }
    });

    it('rejects an id in use with INSTANCE_ID_ALREADY_EXISTS and leaves the first instance untouched', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'dup', params: { n: 1 } });
      await t.clock.advance(1);
      await expectCode(t.client.create('three', { id: 'dup', params: { n: 2 } }), 'INSTANCE_ID_ALREADY_EXISTS');
      const view = await t.client.get('three', 'dup');
      expect(view.meta.params).toEqual({ n: 1 });
      expect(view.meta.updatedAt).toBe(view.meta.createdAt);
      await t.runUntilIdle();
      // Still taken once the instance is finished.
      await expectCode(t.client.create('three', { id: 'dup' }), 'INSTANCE_ID_ALREADY_EXISTS');
      expect(await ids(t, 'three')).toEqual(['dup']);
    });

    it('lets exactly one of several racing creates with the same id succeed', async () => {
      const { wf, calls } = countingWorkflow();
      const t = await setup([wf]);
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => t.client.create('three', { id: 'race', params: { n } })));
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(4);
      for (const r of rejected) {
        expect(r.reason).toBeInstanceOf(EngineError);
        expect((r.reason as EngineError).code).toBe('INSTANCE_ID_ALREADY_EXISTS');
      }
      const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
      expect((await t.client.get('three', 'race')).meta.params).toEqual({ n: winner });
      expect(await ids(t, 'three')).toEqual(['race']);
      // One queue row: the runner runs the instance once.
      expect(await t.runUntilIdle()).toBe(1);
      expect(calls).toEqual({ 'race:one': 1, 'race:two': 1, 'race:three': 1 });
    });

    it.each([
      ['empty', ''],
      ['leading dash', '-x'],
      ['space', 'a b'],
      ['101 chars', 'a'.repeat(101)],
      ['dot', 'a.b'],
      ['non-ASCII', 'é'],
    ])('rejects an invalid id (%s) with INVALID_INSTANCE_ID and creates nothing', async (_label, id) => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await expectCode(t.client.create('three', { id }), 'INVALID_INSTANCE_ID');
      expect(await ids(t, 'three')).toEqual([]);
    });

    it('rejects an unknown workflow with WORKFLOW_NOT_FOUND', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await expectCode(t.client.create('nope', { id: 'x' }), 'WORKFLOW_NOT_FOUND');
      await expectCode(t.client.createBatch('nope', [{ id: 'x' }]), 'WORKFLOW_NOT_FOUND');
      await expectCode(t.client.get('nope', 'x'), 'WORKFLOW_NOT_FOUND');
      await expectCode(t.client.list('nope'), 'WORKFLOW_NOT_FOUND');
    });

    it('validates params with a function schema: false or messages → WORKFLOW_PARAMS_INVALID, nothing created', async () => {
      const { wf } = validatedWorkflow();
      const t = await setup([wf]);

      const rejected = await expectCode(t.client.create('validated', { id: 'p1', params: { amount: 'no' } }), 'WORKFLOW_PARAMS_INVALID');
      const issues = rejected.details?.issues as unknown[];
      expect(Array.isArray(issues)).toBe(true);
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(typeof issue).toBe('string');

      const listed = await expectCode(t.client.create('validated', { id: 'p1', params: { amount: 'x' } }), 'WORKFLOW_PARAMS_INVALID');
      expect(listed.details?.issues).toEqual(['amount must be a number', 'amount is required']);
      await expectCode(t.client.create('validated', { id: 'p1' }), 'WORKFLOW_PARAMS_INVALID');

      await expectCode(t.client.get('validated', 'p1'), 'INSTANCE_NOT_FOUND');
      expect(await ids(t, 'validated')).toEqual([]);

      await t.client.create('validated', { id: 'p1', params: { amount: 5 } });
      await t.runUntilIdle();
      expect((await t.client.get('validated', 'p1')).details).toEqual({ status: 'complete', output: { amount: 5 } });
    });

    it('rejects params over 1 MiB serialised and creates nothing; exactly 1 MiB is accepted', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const tooBig = await rejection(t.client.create('three', { id: 'big', params: 'x'.repeat(ONE_MIB - 1) }));
      expect(['WORKFLOW_PARAMS_INVALID', 'PAYLOAD_TOO_LARGE']).toContain(tooBig.code);
      await expectCode(t.client.get('three', 'big'), 'INSTANCE_NOT_FOUND');
      expect(await ids(t, 'three')).toEqual([]);

      // JSON '"xxx…"' of exactly 1,048,576 bytes.
      const limit = 'x'.repeat(ONE_MIB - 2);
      await t.client.create('three', { id: 'limit', params: limit });
      expect((await t.client.get('three', 'limit')).meta.params).toBe(limit);
    });
  });

  // ---- 2. createBatch -------------------------------------------------------------------------

  describe('createBatch', () => {
    it('skips existing ids and ids repeated within the batch (first kept), returning only the created ones', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'b', params: { v: 'old' } });
      const created = await t.client.createBatch('three', [
        { id: 'a', params: { v: 1 } },
        { id: 'b', params: { v: 2 } },
        { id: 'c', params: { v: 3 } },
        { id: 'a', params: { v: 4 } },
        { id: 'd' },
      ]);
      expect(created).toEqual([
        { id: 'a', details: { status: 'queued' } },
        { id: 'c', details: { status: 'queued' } },
        { id: 'd', details: { status: 'queued' } },
      ]);
      expect((await t.client.get('three', 'a')).meta.params).toEqual({ v: 1 });
      expect((await t.client.get('three', 'b')).meta.params).toEqual({ v: 'old' });
      expect((await t.client.get('three', 'c')).meta.params).toEqual({ v: 3 });
      expect((await t.client.get('three', 'd')).meta.params).toEqual({});
      expect((await ids(t, 'three')).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await t.client.createBatch('three', [{ id: 'a' }, { id: 'b' }])).toEqual([]);
      expect(await t.runUntilIdle()).toBe(4);
    });

    it('rejects more than 100 items (and none) with VALIDATION_ERROR; exactly 100 are created', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `item-${i}` }));
      await expectCode(t.client.createBatch('three', items(101)), 'VALIDATION_ERROR');
      await expectCode(t.client.createBatch('three', []), 'VALIDATION_ERROR');
      expect(await ids(t, 'three')).toEqual([]);
      expect(await t.client.createBatch('three', items(100))).toHaveLength(100);
      const page = await t.client.list('three', { pageSize: 100 });
      expect(page.instances).toHaveLength(100);
      expect(page.hasNextPage).toBe(false);
    });

    it('fails the whole batch on an invalid id anywhere, with details.index, creating nothing', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const late = await expectCode(t.client.createBatch('three', [{ id: 'ok1' }, { id: 'ok2' }, { id: 'bad id' }]), 'INVALID_INSTANCE_ID');
      expect(late.details?.index).toBe(2);
      const first = await expectCode(t.client.createBatch('three', [{ params: { x: 1 } }, { id: 'ok3' }]), 'INVALID_INSTANCE_ID');
      expect(first.details?.index).toBe(0);
      const middle = await expectCode(t.client.createBatch('three', [{ id: 'ok4' }, { id: '-dash' }, { id: 'ok5' }]), 'INVALID_INSTANCE_ID');
      expect(middle.details?.index).toBe(1);
      expect(await ids(t, 'three')).toEqual([]);
      expect((await t.client.tick()).processed).toBe(0);
    });

    it('fails the whole batch on invalid params anywhere, with details.index, creating nothing', async () => {
      const { wf } = validatedWorkflow();
      const t = await setup([wf]);
      const invalid = await expectCode(
        t.client.createBatch('validated', [
          { id: 'v1', params: { amount: 1 } },
          { id: 'v2', params: { amount: 'x' } },
          { id: 'v3', params: { amount: 3 } },
        ]),
        'WORKFLOW_PARAMS_INVALID',
      );
      expect(invalid.details).toEqual(expect.objectContaining({ index: 1, issues: ['amount must be a number', 'amount is required'] }));
      expect(await ids(t, 'validated')).toEqual([]);

      const oversize = await rejection(
        t.client.createBatch('validated', [
          { id: 'v1', params: { amount: 1 } },
          { id: 'v2', params: { amount: 2, blob: 'x'.repeat(ONE_MIB) } },
        ]),
      );
      expect(['WORKFLOW_PARAMS_INVALID', 'PAYLOAD_TOO_LARGE']).toContain(oversize.code);
      expect(oversize.details?.index).toBe(1);
      expect(await ids(t, 'validated')).toEqual([]);
    });
  });
});
