import { defineWorkflow } from '../../src/engine';
import { createTestEngine, type TestEngine } from '../../src/testing';
import { mailService } from './mail-service';

/** The workflow under test (in an application, it lives in its own file). */
const signup = defineWorkflow<{ email: string }>({ name: 'signup' }, async (event, step) => {
  const { email } = event.payload;
  await step.do('send welcome mail', { retries: { limit: 3, delay: '1 minute', backoff: 'exponential' } }, () =>
    mailService.send(email, 'welcome'),
  );
  try {
    await step.waitForEvent('wait for confirmation', { type: 'email-confirmed', timeout: '3 days' });
  } catch {
    await step.do('send reminder', () => mailService.send(email, 'reminder'));
    return { status: 'unconfirmed' };
  }
  await step.sleep('free trial', '14 days');
  await step.do('send trial-ended mail', () => mailService.send(email, 'trial-ended'));
  return { status: 'trial ended' };
});

describe('signup', () => {
  let t: TestEngine;
  let sent: string[];

  beforeEach(async () => {
    t = await createTestEngine({ workflows: [signup] });
    sent = [];
    // Every step that would call the mail provider answers from here instead.
    for (const mail of ['send welcome mail', 'send reminder', 'send trial-ended mail']) {
      t.mockStep(mail, () => {
        sent.push(mail);
        return { messageId: `m-${sent.length}` };
      });
    }
  });
  afterEach(() => t.close());

  it('a confirmed signup gets its 14-day trial', async () => {
    await t.create('signup', { id: 'ada', params: { email: 'ada@example.test' } });
    await t.runUntilIdle();
    expect((await t.get('signup', 'ada')).meta.currentStep).toMatchObject({ name: 'wait for confirmation', status: 'waiting' });

    await t.sendEvent('signup', 'ada', { type: 'email-confirmed' });
    await t.advance('13 days');
    expect((await t.get('signup', 'ada')).details.status).toBe('waiting');
    await t.advance('1 day');
    expect((await t.get('signup', 'ada')).details).toEqual({ status: 'complete', output: { status: 'trial ended' } });
    expect(sent).toEqual(['send welcome mail', 'send trial-ended mail']);
  });

  it('without a confirmation within 3 days, a reminder goes out', async () => {
    await t.create('signup', { id: 'bob', params: { email: 'bob@example.test' } });
    await t.advance('3 days');
    expect((await t.get('signup', 'bob')).details).toEqual({ status: 'complete', output: { status: 'unconfirmed' } });
    expect(sent).toEqual(['send welcome mail', 'send reminder']);
  });

  it('the welcome mail is retried while the provider is down: after 1, then 2 minutes', async () => {
    t.mockStep('signup', 'send welcome mail', ({ attempt }) => {
      if (attempt < 3) throw new Error('mail provider unavailable');
      return { messageId: 'm-late' };
    });
    await t.create('signup', { id: 'cy', params: { email: 'cy@example.test' } });
    await t.advance('2 minutes');
    expect((await t.get('signup', 'cy')).meta.currentStep).toMatchObject({ name: 'send welcome mail', attempts: 2, status: 'waiting' });
    await t.advance('1 minute');
    const { steps } = await t.history('signup', 'cy', { order: 'asc' });
    expect(steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['send welcome mail', 'completed', 3],
      ['wait for confirmation', 'waiting', 0],
    ]);
  });
});
