import { RunnerHeartbeat } from './runner-heartbeat';

describe('RunnerHeartbeat', () => {
  const options = { enabled: true, pollIntervalMs: 1_000, leaseMs: 30_000 };
  let now = 0;
  const heartbeat = () => new RunnerHeartbeat(options, () => now);

  beforeEach(() => (now = 1_000_000));

  it('is stalled once three poll intervals and a lease pass without a round, not before', () => {
    const beats = heartbeat();
    beats.started();
    now += 33_000;
    expect(beats.liveness()).toEqual({ enabled: true, stalled: false, lastRoundAgoMs: 33_000, stalledAfterMs: 33_000 });
    now += 1;
    expect(beats.liveness()).toMatchObject({ stalled: true, lastRoundAgoMs: 33_001 });
    beats.beat();
    expect(beats.liveness()).toMatchObject({ stalled: false, lastRoundAgoMs: 0 });
  });

  it('is not stalled before the loop started (start-up), and never when the runner is off', () => {
    expect(heartbeat().liveness()).toMatchObject({ stalled: false, lastRoundAgoMs: 0 });
    const off = new RunnerHeartbeat({ ...options, enabled: false }, () => now);
    off.started();
    now += 10_000_000;
    expect(off.liveness()).toEqual({ enabled: false });
  });
});
