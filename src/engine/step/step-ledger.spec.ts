import type { StepRecord } from '../model';
import { stepRecord, T0 } from '../../../test/support/store-records';
import { StepLedger } from './step-ledger';

const RUN = { workflowName: 'wf', instanceId: 'i1', runNumber: 2 };
/** A stored step row of RUN. */
const storedStep = (name: string, seq: number, fields: Partial<StepRecord> = {}): StepRecord => stepRecord(RUN, name, seq, { id: `id-${name}`, result: '1', ...fields });

function ids() {
  let n = 0;
  return () => `new-${++n}`;
}

describe('StepLedger', () => {
  describe('stored steps', () => {
    it('answers the stored row of each name, and nothing for names it has not seen', () => {
      const a = storedStep('a', 1);
      const b = storedStep('b', 2, { type: 'sleep', status: 'waiting', wakeAt: T0 + 1000 });
      const ledger = new StepLedger(RUN, [a, b], 10, 100);
      expect(ledger.stored('a')).toBe(a);
      expect(ledger.stored('b')).toBe(b);
      expect(ledger.stored('c')).toBeUndefined();
    });

    it('replays while it has stored steps, until told to leave replay', () => {
      const ledger = new StepLedger(RUN, [storedStep('a', 1)], 10, 100);
      expect(ledger.replaying).toBe(true);
      ledger.leaveReplay();
      expect(ledger.replaying).toBe(false);
    });

    it('does not replay a run without stored steps', () => {
      expect(new StepLedger(RUN, [], 10, 100).replaying).toBe(false);
    });
  });

  describe('busy steps', () => {
    it('a step is busy from begin to end, and while parked', () => {
      const ledger = new StepLedger(RUN, [], 10, 100);
      expect(ledger.isBusy('a')).toBe(false);
      ledger.begin('a');
      expect(ledger.isBusy('a')).toBe(true);
      ledger.end('a');
      expect(ledger.isBusy('a')).toBe(false);
      ledger.begin('b');
      ledger.block('b', T0 + 1000);
      expect(ledger.isBusy('b')).toBe(true);
    });

    it('a stored step is not busy until it begins', () => {
      const ledger = new StepLedger(RUN, [storedStep('a', 1)], 10, 100);
      expect(ledger.isBusy('a')).toBe(false);
    });
  });

  describe('the step limit', () => {
    it('counts stored steps and steps begun this claim, each name once', () => {
      const ledger = new StepLedger(RUN, [storedStep('a', 1), storedStep('b', 2)], 10, 3);
      expect(ledger.exceedsStepLimit('a')).toBe(false);
      expect(ledger.exceedsStepLimit('c')).toBe(false);
      ledger.begin('c');
      ledger.end('c');
      // Three names used: a fourth is beyond the limit, the three known ones are not.
      expect(ledger.exceedsStepLimit('d')).toBe(true);
      for (const name of ['a', 'b', 'c']) expect(ledger.exceedsStepLimit(name)).toBe(false);
    });

    it('a limit of 0 refuses every new name', () => {
      expect(new StepLedger(RUN, [], 10, 0).exceedsStepLimit('a')).toBe(true);
    });

    it('beginning the same name twice counts it once', () => {
      const ledger = new StepLedger(RUN, [], 10, 1);
      ledger.begin('a');
      ledger.end('a');
      ledger.begin('a');
      expect(ledger.exceedsStepLimit('a')).toBe(false);
      expect(ledger.exceedsStepLimit('b')).toBe(true);
    });
  });

  describe('the step budget', () => {
    it('allows exactly `budget` executed steps per claim', () => {
      const ledger = new StepLedger(RUN, [], 2, 100);
      expect([ledger.spendStep(), ledger.spendStep(), ledger.spendStep(), ledger.spendStep()]).toEqual([true, true, false, false]);
    });

    it('a budget of 0 allows none', () => {
      expect(new StepLedger(RUN, [], 0, 100).spendStep()).toBe(false);
    });

    it('stored steps do not spend the budget', () => {
      const ledger = new StepLedger(RUN, [storedStep('a', 1), storedStep('b', 2)], 1, 100);
      expect(ledger.spendStep()).toBe(true);
      expect(ledger.spendStep()).toBe(false);
    });
  });

  describe('suspension', () => {
    it('is suspendable when nothing is in progress and something is parked', () => {
      const ledger = new StepLedger(RUN, [], 10, 100);
      expect(ledger.suspendable).toBe(false);
      ledger.begin('a');
      ledger.begin('b');
      ledger.block('a', T0 + 5000);
      // b is still in progress.
      expect(ledger.suspendable).toBe(false);
      ledger.end('b');
      expect(ledger.suspendable).toBe(true);
    });

    it('is not suspendable when everything simply ended', () => {
      const ledger = new StepLedger(RUN, [], 10, 100);
      ledger.begin('a');
      ledger.end('a');
      expect(ledger.suspendable).toBe(false);
      expect(ledger.parked).toEqual([]);
    });

    it('lists every parked step with its due time and, for waits, what it waits for', () => {
      const ledger = new StepLedger(RUN, [], 10, 100);
      ledger.begin('nap');
      ledger.block('nap', T0 + 60_000);
      ledger.begin('wait');
      ledger.block('wait', T0 + 3_600_000, { wait: { type: 'go', deadline: T0 + 3_600_000 } });
      expect(ledger.parked).toEqual([{ dueAt: T0 + 60_000, wait: undefined }, { dueAt: T0 + 3_600_000, wait: { type: 'go', deadline: T0 + 3_600_000 } }]);
    });

    it('parking a name again replaces its due time', () => {
      const ledger = new StepLedger(RUN, [], 10, 100);
      ledger.block('retry', T0 + 1000);
      ledger.block('retry', T0 + 2000);
      expect(ledger.parked).toEqual([{ dueAt: T0 + 2000, wait: undefined }]);
    });
  });

  describe('record', () => {
    it('makes a new row of the run with defaults, a new id and the next sequence number', () => {
      const ledger = new StepLedger(RUN, [storedStep('a', 1), storedStep('b', 4)], 10, 100);
      const row = ledger.record('c', 'sleep', { status: 'waiting', wakeAt: T0 + 1000 }, T0 + 10, ids());
      expect(row).toEqual({
        ...RUN,
        name: 'c',
        type: 'sleep',
        id: 'new-1',
        seq: 5,
        status: 'waiting',
        attempts: 0,
        maxAttempts: 1,
        timeoutMs: null,
        nextRetryAt: null,
        wakeAt: T0 + 1000,
        waitEventType: null,
        childWorkflowName: null,
        childInstanceId: null,
        result: null,
        error: null,
        createdAt: T0 + 10,
        updatedAt: T0 + 10,
      });
      expect(ledger.stored('c')).toBe(row);
      // A sleep or a wait runs once; a new `do` row leaves maxAttempts to its retry options.
      expect(ledger.record('w', 'waitForEvent', { status: 'waiting' }, T0, ids()).maxAttempts).toBe(1);
      expect(ledger.record('d', 'do', { status: 'running' }, T0, ids()).maxAttempts).toBeNull();
    });

    it('numbers the first step of a run 1 and each new name after it in order of first appearance', () => {
      const ledger = new StepLedger(RUN, [], 10, 100);
      const newId = ids();
      expect(['x', 'y', 'x', 'z'].map((name) => ledger.record(name, 'do', {}, T0, newId).seq)).toEqual([1, 2, 1, 3]);
    });

    it('keeps the id, sequence number and creation time of the stored row, and the fields not given', () => {
      const stored = storedStep('a', 3, { status: 'waiting', attempts: 2, nextRetryAt: T0 + 500, error: { name: 'Error', message: 'no' } });
      const ledger = new StepLedger(RUN, [stored], 10, 100);
      const newId = jest.fn(() => 'unused');
      const row = ledger.record('a', 'do', { status: 'completed', attempts: 3, nextRetryAt: null, error: null, result: '"ok"' }, T0 + 900, newId);
      expect(newId).not.toHaveBeenCalled();
      expect(row).toEqual({ ...stored, status: 'completed', attempts: 3, nextRetryAt: null, error: null, result: '"ok"', updatedAt: T0 + 900 });
      expect(ledger.stored('a')).toBe(row);
      // The stored row itself is not changed.
      expect(stored.status).toBe('waiting');
    });

    it('a row recorded twice in one claim keeps what the first record gave it', () => {
      const ledger = new StepLedger(RUN, [], 10, 100);
      const newId = ids();
      const first = ledger.record('w', 'waitForEvent', { status: 'waiting', waitEventType: 'go', wakeAt: T0 + 100 }, T0, newId);
      const second = ledger.record('w', 'waitForEvent', { status: 'completed', result: '{}' }, T0 + 50, newId);
      expect(second).toEqual({ ...first, status: 'completed', result: '{}', updatedAt: T0 + 50 });
    });

    it('recording a stored row again with nothing new answers the stored row itself, as loaded', () => {
      const error = { name: 'Error', message: 'no' };
      const waiting = storedStep('w', 1, { type: 'waitForWorkflow', status: 'waiting', wakeAt: T0 + 100, childWorkflowName: 'c', childInstanceId: 'c1', error });
      const ledger = new StepLedger(RUN, [waiting], 10, 100);
      const again = ledger.record('w', 'waitForWorkflow', { status: 'waiting', wakeAt: T0 + 100, childWorkflowName: 'c', childInstanceId: 'c1', error: { ...error } }, T0 + 50, ids());
      expect(again).toBe(waiting);
      expect(ledger.isAsLoaded(again)).toBe(true);
      // Anything new makes a new row, to be written.
      const completed = ledger.record('w', 'waitForWorkflow', { status: 'completed', result: '1' }, T0 + 60, ids());
      expect(completed).not.toBe(waiting);
      expect(ledger.isAsLoaded(completed)).toBe(false);
    });

    it('a row first made in this claim is never as loaded, recorded again or not', () => {
      const ledger = new StepLedger(RUN, [], 10, 100);
      const first = ledger.record('s', 'sleep', { status: 'waiting', wakeAt: T0 + 100 }, T0, ids());
      expect(ledger.record('s', 'sleep', { status: 'waiting', wakeAt: T0 + 100 }, T0 + 5, ids())).toBe(first);
      expect(ledger.isAsLoaded(first)).toBe(false);
    });

    it('recording a row does not count against the budget', () => {
      const ledger = new StepLedger(RUN, [], 1, 100);
      ledger.record('a', 'do', {}, T0, ids());
      expect(ledger.spendStep()).toBe(true);
    });
  });
});
