/**
 * Contract tests for reading instances, one and listed,
 * through the programmatic client, on a real SQLite file and a real PostgreSQL database. Time only
 * moves with the ManualClock; the runner only moves with `tick`.
 */
import { defineWorkflow } from '../../../src/engine/definition/define-workflow';
import type { InstanceStatus } from '../../../src/engine/model';
import { flipChar } from '../../support/cursors';
import { TEST_DATABASES } from '../../support/databases';
import { expectCode } from '../../support/engine-errors';
import { countingWorkflow, lifecycleHarness, sleeperWorkflow, waiterWorkflow } from '../../support/lifecycle';
import { HOUR, iso, MINUTE } from '../../support/time';

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
  const { setup } = lifecycleHarness(kind);

  // ---- 3. get ---------------------------------------------------------------------------------

  describe('get', () => {
    it('reports meta from creation to completion: startedAt, completedAt, currentStep, output', async () => {
      const { wf } = sleeperWorkflow();
      const t = await setup([wf]);
      const t0 = t.clock.now();
      await t.client.create('sleeper', { id: 'g1', params: { who: 'ann' } });
      const queued = await t.client.get('sleeper', 'g1');
      expect(queued).toEqual({
        id: 'g1',
        details: { status: 'queued' },
        meta: {
          workflowName: 'sleeper',
          runNumber: 0,
          params: { who: 'ann' },
          pauseRequested: false,
          createdAt: iso(t0),
          updatedAt: iso(t0),
          startedAt: null,
          completedAt: null,
        },
      });
      expect(queued.meta).not.toHaveProperty('currentStep');

      await t.clock.advance(5);
      expect(await t.client.tick()).toEqual({ processed: 1, nextWakeAt: new Date(t0 + 5 + HOUR) });
      const waiting = await t.client.get('sleeper', 'g1');
      expect(waiting.details).toEqual({ status: 'waiting' });
      expect(waiting.details).not.toHaveProperty('output');
      expect(waiting.meta).toEqual({
        workflowName: 'sleeper',
        runNumber: 0,
        params: { who: 'ann' },
        pauseRequested: false,
        createdAt: iso(t0),
        updatedAt: iso(t0 + 5),
        startedAt: iso(t0 + 5),
        completedAt: null,
        currentStep: {
          stepKey: 'nap',
          name: 'nap',
          type: 'sleep',
          status: 'waiting',
          attempts: 0,
          maxAttempts: 1,
          timeoutMs: null,
          nextRetryAt: null,
          wakeAt: iso(t0 + 5 + HOUR),
          waitEventType: null,
        },
      });

      await t.clock.advance(HOUR);
      expect(await t.client.tick()).toEqual({ processed: 1 });
      const done = await t.client.get('sleeper', 'g1');
      expect(done.details).toEqual({ status: 'complete', output: 'slept' });
      expect(done.meta).toEqual({
        workflowName: 'sleeper',
        runNumber: 0,
        params: { who: 'ann' },
        pauseRequested: false,
        createdAt: iso(t0),
        updatedAt: iso(t0 + 5 + HOUR),
        startedAt: iso(t0 + 5),
        completedAt: iso(t0 + 5 + HOUR),
        currentStep: {
          stepKey: 'after',
          name: 'after',
          type: 'do',
          status: 'completed',
          attempts: 1,
          maxAttempts: 6,
          timeoutMs: 10 * MINUTE,
          nextRetryAt: null,
          wakeAt: null,
          waitEventType: null,
        },
      });
    });

    it('reports error {name, message} and no output when errored', async () => {
      const wf = defineWorkflow({ name: 'failing' }, async (_event, step) => {
        await step.do('ok', async () => 1);
        await step.do('boom', { retries: { limit: 0, delay: 0 } }, async () => {
          throw new RangeError('out of range');
        });
        return 'unreachable';
      });
      const t = await setup([wf]);
      const t0 = t.clock.now();
      await t.client.create('failing', { id: 'e1' });
      await t.runUntilIdle();
      const view = await t.client.get('failing', 'e1');
      expect(view.details).toEqual({ status: 'errored', error: { name: 'RangeError', message: 'out of range' } });
      expect(view.details).not.toHaveProperty('output');
      expect(view.meta.completedAt).toBe(iso(t0));
      expect(view.meta.currentStep).toEqual({
        stepKey: 'boom',
        name: 'boom',
        type: 'do',
        status: 'errored',
        attempts: 1,
        maxAttempts: 1,
        timeoutMs: 10 * MINUTE,
        nextRetryAt: null,
        wakeAt: null,
        waitEventType: null,
        error: { name: 'RangeError', message: 'out of range' },
      });
    });

    it('rejects an unknown instance with INSTANCE_NOT_FOUND and a malformed id with INVALID_INSTANCE_ID', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await expectCode(t.client.get('three', 'missing'), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.get('three', 'bad id'), 'INVALID_INSTANCE_ID');
      await expectCode(t.client.history('three', 'missing'), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.pause('three', 'missing'), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.restart('three', 'missing'), 'INSTANCE_NOT_FOUND');
    });
  });

  // ---- 4. list --------------------------------------------------------------------------------

  describe('list', () => {
    it('lists newest first and pages without duplicates or gaps while instances are created between pages', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const t0 = t.clock.now();
      for (let i = 1; i <= 6; i++) {
        await t.client.create('three', { id: `i${i}` });
        await t.clock.advance(1);
      }
      const p1 = await t.client.list('three', { pageSize: 2 });
      expect(p1.instances).toEqual([
        { id: 'i6', details: { status: 'queued' }, createdAt: iso(t0 + 5), updatedAt: iso(t0 + 5) },
        { id: 'i5', details: { status: 'queued' }, createdAt: iso(t0 + 4), updatedAt: iso(t0 + 4) },
      ]);
      expect(p1.hasNextPage).toBe(true);
      expect(typeof p1.cursor).toBe('string');

      await t.client.create('three', { id: 'n1' });
      await t.clock.advance(1);
      const p2 = await t.client.list('three', { pageSize: 2, cursor: p1.cursor });
      expect(p2.instances.map((i) => i.id)).toEqual(['i4', 'i3']);
      expect(p2.hasNextPage).toBe(true);

      await t.client.create('three', { id: 'n2' });
      const p3 = await t.client.list('three', { pageSize: 2, cursor: p2.cursor });
      expect(p3.instances.map((i) => i.id)).toEqual(['i2', 'i1']);
      expect(p3.hasNextPage).toBe(false);
      expect(p3).not.toHaveProperty('cursor');

      const all = await t.client.list('three');
      expect(all.instances.map((i) => i.id)).toEqual(['n2', 'n1', 'i6', 'i5', 'i4', 'i3', 'i2', 'i1']);
      expect(all.hasNextPage).toBe(false);
    });

    it('pages through instances created in the same millisecond without duplicates or gaps', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'early' });
      await t.clock.advance(1);
      await t.client.createBatch('three', ['m4', 'm2', 'm7', 'm1', 'm6', 'm3', 'm5'].map((id) => ({ id })));
      await t.client.create('three', { id: 'm8' });

      const seen: string[] = [];
      const p1 = await t.client.list('three', { pageSize: 3 });
      seen.push(...p1.instances.map((i) => i.id));
      expect(seen).toEqual(['m8', 'm7', 'm6']);
      // Same millisecond as the page boundary: one sorts before it, one after.
      await t.client.create('three', { id: 'm65' });
      await t.client.create('three', { id: 'm0' });
      const p2 = await t.client.list('three', { pageSize: 3, cursor: p1.cursor });
      seen.push(...p2.instances.map((i) => i.id));
      const p3 = await t.client.list('three', { pageSize: 3, cursor: p2.cursor });
      seen.push(...p3.instances.map((i) => i.id));
      expect(p3.hasNextPage).toBe(true);
      const p4 = await t.client.list('three', { pageSize: 3, cursor: p3.cursor });
      seen.push(...p4.instances.map((i) => i.id));
      expect(p4.hasNextPage).toBe(false);
      expect(p4).not.toHaveProperty('cursor');
      expect(seen).toEqual(['m8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0', 'early']);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('filters by status, and pages within the filter', async () => {
      const { wf } = waiterWorkflow();
      const t = await setup([wf]);
      for (let i = 1; i <= 5; i++) {
        await t.client.create('waiter', { id: `s${i}` });
        await t.clock.advance(1);
      }
      await t.client.pause('waiter', 's2');
      await t.client.pause('waiter', 's4');
      await t.client.terminate('waiter', 's5');
      const byStatus = async (status: InstanceStatus) => (await t.client.list('waiter', { status })).instances.map((i) => i.id);
      expect(await byStatus('paused')).toEqual(['s4', 's2']);
      expect(await byStatus('terminated')).toEqual(['s5']);
      expect(await byStatus('queued')).toEqual(['s3', 's1']);
      expect(await t.client.list('waiter', { status: 'complete' })).toEqual({ instances: [], hasNextPage: false });

      const first = await t.client.list('waiter', { status: 'paused', pageSize: 1 });
      expect(first.instances.map((i) => i.id)).toEqual(['s4']);
      expect(first.hasNextPage).toBe(true);
      const second = await t.client.list('waiter', { status: 'paused', pageSize: 1, cursor: first.cursor });
      expect(second.instances.map((i) => i.id)).toEqual(['s2']);
      expect(second.hasNextPage).toBe(false);

      await t.runUntilIdle();
      expect(await byStatus('waiting')).toEqual(['s3', 's1']);
      expect(await byStatus('queued')).toEqual([]);
    });

    it('rejects garbage, tampered and foreign cursors with INVALID_CURSOR', async () => {
      const alpha = countingWorkflow('alpha');
      const beta = countingWorkflow('beta');
      const t = await setup([alpha.wf, beta.wf]);
      for (let i = 1; i <= 3; i++) {
        await t.client.create('alpha', { id: `a${i}` });
        await t.client.create('beta', { id: `b${i}` });
        await t.clock.advance(1);
      }
      const cursor = (await t.client.list('alpha', { pageSize: 1 })).cursor!;
      expect(typeof cursor).toBe('string');
      // The genuine cursor works.
      expect((await t.client.list('alpha', { pageSize: 1, cursor })).instances.map((i) => i.id)).toEqual(['a2']);

      for (const garbage of ['garbage', 'abc.def', `${cursor}.x`, '....', 'eyJzIjoiaW5zdGFuY2VzOmFscGhhOioiLCJwIjp7fX0']) {
        await expectCode(t.client.list('alpha', { cursor: garbage }), 'INVALID_CURSOR');
      }
      const dot = cursor.indexOf('.');
      await expectCode(t.client.list('alpha', { cursor: flipChar(cursor, 3) }), 'INVALID_CURSOR');
      await expectCode(t.client.list('alpha', { cursor: flipChar(cursor, dot + 3) }), 'INVALID_CURSOR');
      await expectCode(t.client.list('alpha', { cursor: flipChar(cursor, cursor.length - 2) }), 'INVALID_CURSOR');

      // A re-encoded body with a changed position keeps the old signature: rejected.
      const body = JSON.parse(Buffer.from(cursor.slice(0, dot), 'base64url').toString('utf8'));
      body.p.createdAt += 1000;
      const forged = `${Buffer.from(JSON.stringify(body)).toString('base64url')}${cursor.slice(dot)}`;
      await expectCode(t.client.list('alpha', { cursor: forged }), 'INVALID_CURSOR');

      // Issued for another query.
      await expectCode(t.client.list('beta', { cursor }), 'INVALID_CURSOR');
      await expectCode(t.client.list('alpha', { status: 'queued', cursor }), 'INVALID_CURSOR');
      const filtered = (await t.client.list('alpha', { status: 'queued', pageSize: 1 })).cursor!;
      expect(typeof filtered).toBe('string');
      await expectCode(t.client.list('alpha', { cursor: filtered }), 'INVALID_CURSOR');
      await expectCode(t.client.list('alpha', { status: 'paused', cursor: filtered }), 'INVALID_CURSOR');
    });

    it.each([0, 101, 1.5, -1, Number.NaN])('rejects pageSize %p with VALIDATION_ERROR', async (pageSize) => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'x' });
      const error = await expectCode(t.client.list('three', { pageSize }), 'VALIDATION_ERROR');
      expect(Array.isArray(error.details?.issues)).toBe(true);
    });

    it('accepts pageSize 1 and 100', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'x' });
      await t.clock.advance(1);
      await t.client.create('three', { id: 'y' });
      expect((await t.client.list('three', { pageSize: 1 })).instances.map((i) => i.id)).toEqual(['y']);
      expect((await t.client.list('three', { pageSize: 100 })).instances.map((i) => i.id)).toEqual(['y', 'x']);
    });

    it('rejects a status filter that is not one of the nine statuses with VALIDATION_ERROR', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'x' });
      await expectCode(t.client.list('three', { status: 'bogus' as InstanceStatus }), 'VALIDATION_ERROR');
    });
  });
});
