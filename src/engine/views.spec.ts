import { INSTANCE_STATUSES, type InstanceRecord, type StepRecord } from './model';
import { instanceRecord, keyOf, stepRecord, T0 } from '../../test/support/store-records';
import { detailsOf, eventViewOf, instanceViewOf, iso, logViewOf, stepViewOf, summaryOf } from './views';

/** The store suite's records, with this file's step: `charge`, stored as `{"ok":true}`. */
const instance = (fields: Partial<InstanceRecord> = {}): InstanceRecord => instanceRecord('i1', fields);
const step = (fields: Partial<StepRecord> = {}): StepRecord =>
  stepRecord(keyOf('i1'), 'charge', 1, { id: 'step-id', result: '{"ok":true}', updatedAt: T0 + 1, ...fields });

describe('detailsOf', () => {
  it.each(INSTANCE_STATUSES.filter((status) => status !== 'complete'))('shows no output when %s, even if one is stored', (status) => {
    expect(detailsOf(instance({ status, output: '"stale"' }))).toEqual({ status });
  });

  it('shows the parsed output when complete, and null for an output of undefined', () => {
    expect(detailsOf(instance({ status: 'complete', output: '{"paid":120}' }))).toEqual({ status: 'complete', output: { paid: 120 } });
    expect(detailsOf(instance({ status: 'complete', output: null }))).toEqual({ status: 'complete', output: null });
  });

  it('shows the error when there is one', () => {
    const error = { name: 'RangeError', message: 'boom' };
    expect(detailsOf(instance({ status: 'errored', error }))).toEqual({ status: 'errored', error });
  });
});

describe('summaryOf', () => {
  it('gives the id, details and times as ISO text', () => {
    expect(summaryOf(instance({ updatedAt: T0 + 5 }))).toEqual({ id: 'i1', details: { status: 'queued' }, createdAt: iso(T0), updatedAt: iso(T0 + 5) });
  });
});

describe('instanceViewOf', () => {
  it('shows meta without a current step before the run has one', () => {
    expect(instanceViewOf(instance({ params: '{"who":"ann"}' }), null)).toEqual({
      id: 'i1',
      details: { status: 'queued' },
      meta: {
        workflowName: 'wf',
        runNumber: 1,
        params: { who: 'ann' },
        pauseRequested: false,
        createdAt: iso(T0),
        updatedAt: iso(T0),
        startedAt: null,
        completedAt: null,
      },
    });
  });

  it('shows params {} when there are none, and a pause request while waitingForPause', () => {
    const view = instanceViewOf(instance({ status: 'waitingForPause', startedAt: T0 }), null);
    expect(view.meta).toMatchObject({ params: {}, pauseRequested: true, startedAt: iso(T0) });
    // Params given as null are kept as given.
    expect(instanceViewOf(instance({ params: 'null' }), null).meta.params).toBeNull();
  });

  it('shows the last step as the current step, without its result, id or times, and with its error if any', () => {
    const error = { name: 'Error', message: 'declined' };
    const view = instanceViewOf(instance({ status: 'waiting', startedAt: T0 }), step({ status: 'waiting', nextRetryAt: T0 + 10_000, error }));
    expect(view.meta.currentStep).toEqual({
      stepKey: 'charge',
      name: 'charge',
      type: 'do',
      status: 'waiting',
      attempts: 1,
      maxAttempts: 6,
      timeoutMs: 600_000,
      nextRetryAt: iso(T0 + 10_000),
      wakeAt: null,
      waitEventType: null,
      error,
    });
    expect(instanceViewOf(instance(), step()).meta.currentStep).not.toHaveProperty('error');
  });
});

describe('stepViewOf', () => {
  it('shows a step with times as ISO text and its result parsed', () => {
    expect(stepViewOf(step({ type: 'waitForEvent', status: 'waiting', waitEventType: 'go', wakeAt: T0 + 60_000, result: null, maxAttempts: 1, timeoutMs: 60_000 }))).toEqual({
      id: 'step-id',
      runNumber: 1,
      stepKey: 'charge',
      name: 'charge',
      type: 'waitForEvent',
      status: 'waiting',
      attempts: 1,
      maxAttempts: 1,
      timeoutMs: 60_000,
      nextRetryAt: null,
      wakeAt: iso(T0 + 60_000),
      waitEventType: 'go',
      result: null,
      createdAt: iso(T0),
      updatedAt: iso(T0 + 1),
    });
    expect(stepViewOf(step()).result).toEqual({ ok: true });
  });

  it('reads a sleep or wait stored without maxAttempts as 1, and a wait stored without its timeout as its deadline less its start', () => {
    const olderWait = step({ type: 'waitForEvent', status: 'waiting', waitEventType: 'go', wakeAt: T0 + 60_000, result: null, maxAttempts: null, timeoutMs: null });
    expect(stepViewOf(olderWait)).toMatchObject({ maxAttempts: 1, timeoutMs: 60_000 });
    expect(stepViewOf(step({ type: 'sleep', status: 'waiting', wakeAt: T0 + 5_000, result: null, maxAttempts: null, timeoutMs: null }))).toMatchObject({ maxAttempts: 1, timeoutMs: null });
    // A `do` step's null still means unlimited retries and no timeout.
    expect(stepViewOf(step({ maxAttempts: null, timeoutMs: null }))).toMatchObject({ maxAttempts: null, timeoutMs: null });
  });
});

describe('eventViewOf and logViewOf', () => {
  it('show an event with its payload parsed (null when absent) and its delivery', () => {
    const event = { workflowName: 'wf', instanceId: 'i1', runNumber: 2, id: 'e1', seq: 3, type: 'go', payload: null, createdAt: T0, deliveredAt: T0 + 1, consumedByStep: 'w' };
    expect(eventViewOf(event)).toEqual({ id: 'e1', runNumber: 2, type: 'go', payload: null, createdAt: iso(T0), deliveredAt: iso(T0 + 1), consumedByStepKey: 'w' });
    expect(eventViewOf({ ...event, payload: '[1,2]', deliveredAt: null, consumedByStep: null })).toMatchObject({ payload: [1, 2], deliveredAt: null, consumedByStepKey: null });
  });

  it('show a log line with its id as text (ids may exceed what clients hold as numbers)', () => {
    const line = { workflowName: 'wf', instanceId: 'i1', id: 9_007_199_254_740_991, runNumber: 1, stepName: 's', attempt: 2, level: 'warn' as const, category: 'audit', message: 'm', data: '{"k":1}', isReplay: true, createdAt: T0 };
    expect(logViewOf(line)).toEqual({ id: '9007199254740991', runNumber: 1, stepKey: 's', attempt: 2, level: 'warn', category: 'audit', message: 'm', data: { k: 1 }, isReplay: true, createdAt: iso(T0) });
    expect(logViewOf({ ...line, data: null }).data).toBeNull();
  });
});
