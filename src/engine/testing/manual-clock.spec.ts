import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  it('names the earliest pending timer, so a test can step time to it', async () => {
    const clock = new ManualClock(0);
    expect(clock.nextTimerAt()).toBeNull();
    const fired: number[] = [];
    clock.setTimer(300, () => fired.push(clock.now()));
    const cancel = clock.setTimer(100, () => fired.push(-1));
    clock.setTimer(200, () => fired.push(clock.now()));
    expect(clock.nextTimerAt()).toBe(100);
    cancel();
    expect(clock.nextTimerAt()).toBe(200);
    await clock.advance(200);
    expect(fired).toEqual([200]);
    expect(clock.nextTimerAt()).toBe(300);
    await clock.advance(100);
    expect(fired).toEqual([200, 300]);
    expect(clock.nextTimerAt()).toBeNull();
  });
});
