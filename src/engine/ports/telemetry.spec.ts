import { type EngineTelemetry, fanOutTelemetry, noTelemetry, type RunObservation } from './telemetry';

const run = { workflowName: 'w', instanceId: 'i', runNumber: 0, firstClaim: true, traceParent: null, takenOver: false };

/** A telemetry that writes what it hears to `heard`, wrapping attempts in `[name` … `name]`. */
function recorder(name: string, heard: string[]): EngineTelemetry {
  return {
    runClaimed: (r): RunObservation => {
      heard.push(`${name} claimed ${r.instanceId}`);
      return {
        stepAttempt: (step) => ({
          run: async (code) => {
            heard.push(`[${name}`);
            try {
              return await code();
            } finally {
              heard.push(`${name}]`);
            }
          },
          ended: (result) => heard.push(`${name} ${step.name} ${result.ok ? 'ok' : 'failed'}`),
        }),
        eventDelivered: () => heard.push(`${name} delivered`),
        workflowLog: (line) => heard.push(`${name} log ${line.message}`),
        ended: (end) => heard.push(`${name} ended ${end.outcome}`),
      };
    },
    claimRound: (round) => heard.push(`${name} round ${round.claimed}`),
    leaseRenewed: () => heard.push(`${name} renewed`),
    tick: (round) => heard.push(`${name} tick ${round.processed}`),
    databaseError: (error) => heard.push(`${name} database ${error.kind}`),
    instancesPurged: (purge) => heard.push(`${name} purged ${purge.count} of ${purge.workflowName}`),
  };
}

const broken: EngineTelemetry = {
  runClaimed: () => {
    throw new Error('observer bug');
  },
  claimRound: () => {
    throw new Error('observer bug');
  },
  leaseRenewed: () => {
    throw new Error('observer bug');
  },
  tick: () => {
    throw new Error('observer bug');
  },
  databaseError: () => {
    throw new Error('observer bug');
  },
  instancesPurged: () => {
    throw new Error('observer bug');
  },
};

describe('fanOutTelemetry', () => {
  it('tells every part everything, attempts nested in the order given', async () => {
    const heard: string[] = [];
    const telemetry = fanOutTelemetry([recorder('a', heard), recorder('b', heard)]);
    const observation = telemetry.runClaimed(run);
    const attempt = observation.stepAttempt({ name: 's', type: 'do', attempt: 1 });
    expect(await attempt.run(async () => (heard.push('code'), 42))).toBe(42);
    attempt.ended({ ok: true });
    observation.ended({ outcome: 'complete' });
    telemetry.claimRound({ durationMs: 1, claimed: 3 });
    telemetry.tick({ durationMs: 1, processed: 2 });
    telemetry.databaseError({ kind: 'unavailable' });
    telemetry.instancesPurged({ workflowName: 'w', count: 500 });
    expect(heard).toEqual([
      ...['a claimed i', 'b claimed i', '[a', '[b', 'code', 'b]', 'a]', 'a s ok', 'b s ok', 'a ended complete', 'b ended complete'],
      ...['a round 3', 'b round 3', 'a tick 2', 'b tick 2', 'a database unavailable', 'b database unavailable', 'a purged 500 of w', 'b purged 500 of w'],
    ]);
  });

  it('is noTelemetry for no parts, which hears everything and says nothing', async () => {
    expect(fanOutTelemetry([])).toBe(noTelemetry);
    const attempt = noTelemetry.runClaimed(run).stepAttempt({ name: 's', type: 'do', attempt: 1 });
    expect(await attempt.run(async () => 7)).toBe(7);
    for (const call of [() => noTelemetry.tick({ durationMs: 1, processed: 1 }), () => noTelemetry.databaseError({ kind: 'data' }), () => noTelemetry.instancesPurged({ workflowName: 'w', count: 1 })]) expect(call()).toBeUndefined();
  });

  it('skips a part that throws, reports it, and still runs the code once and the other parts', async () => {
    const heard: string[] = [];
    const faults: unknown[] = [];
    const telemetry = fanOutTelemetry([broken, recorder('ok', heard)], (error) => faults.push(error));
    const observation = telemetry.runClaimed(run);
    let runs = 0;
    const attempt = observation.stepAttempt({ name: 's', type: 'do', attempt: 1 });
    expect(await attempt.run(async () => ++runs)).toBe(1);
    telemetry.leaseRenewed(run);
    telemetry.tick({ durationMs: 1, processed: 0 });
    telemetry.databaseError({ kind: 'conflict' });
    telemetry.instancesPurged({ workflowName: 'w', count: 1 });
    expect([runs, heard, faults.length]).toEqual([1, ['ok claimed i', '[ok', 'ok]', 'ok renewed', 'ok tick 0', 'ok database conflict', 'ok purged 1 of w'], 5]);
  });

  it("passes the code's own failure through, once", async () => {
    const faults: unknown[] = [];
    const throwingAround: EngineTelemetry = {
      ...recorder('x', []),
      runClaimed: () => ({
        ...recorder('x', []).runClaimed(run),
        stepAttempt: () => ({
          run: (code) => {
            void code();
            throw new Error('observer bug after the code started');
          },
          ended() {},
        }),
      }),
    };
    let runs = 0;
    const attempt = fanOutTelemetry([throwingAround], (error) => faults.push(error)).runClaimed(run).stepAttempt({ name: 's', type: 'do', attempt: 1 });
    await expect(attempt.run(async () => (runs++, Promise.reject(new Error('step failed'))))).rejects.toThrow('step failed');
    expect([runs, faults.length]).toEqual([1, 1]);
  });
});
