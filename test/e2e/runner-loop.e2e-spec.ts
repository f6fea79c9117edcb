import { defineWorkflow } from '../../src/engine';
import { Workflow, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from '../../src/engine';
import { Injectable } from '@nestjs/common';
import { eventually } from '../support/async';
import { TEST_DATABASES } from '../support/databases';
import { createTestApp } from '../support/test-app';

@Injectable()
class Greeter {
  greet(name: string) {
    return `hello ${name}`;
  }
}

@Workflow({ name: 'greeting' })
class GreetingWorkflow extends WorkflowEntrypoint<{ name: string }> {
  constructor(private readonly greeter: Greeter) {
    super();
  }

  async run(event: WorkflowEvent<{ name: string }>, step: WorkflowStep) {
    return step.do('greet', async () => this.greeter.greet(event.payload.name));
  }
}

const waiter = defineWorkflow({ name: 'waiter' }, async (_event, step) => {
  const event = await step.waitForEvent<{ n: number }>('wait', { type: 'go' });
  return event.payload.n;
});

describe.each(TEST_DATABASES)('scheduled runner on %s', (kind) => {
  it('runs instances without anyone calling tick, and injects into @Workflow classes', async () => {
    const { client, close } = await createTestApp(kind, {
      workflows: [GreetingWorkflow, waiter],
      providers: [Greeter],
      runner: { pollIntervalMs: 60_000 },
    });
    try {
      await client.create('greeting', { id: 'g', params: { name: 'ada' } });
      // The poll is a minute away: only the wake-up on create can have run it.
      const done = await eventually(() => client.get('greeting', 'g'), (i) => i.details.status === 'complete');
      expect(done.details.output).toBe('hello ada');

      await client.create('waiter', { id: 'w' });
      await eventually(() => client.get('waiter', 'w'), (i) => i.details.status === 'waiting');
      await client.sendEvent('waiter', 'w', { type: 'go', payload: { n: 7 } });
      const woken = await eventually(() => client.get('waiter', 'w'), (i) => i.details.status === 'complete');
      expect(woken.details.output).toBe(7);
    } finally {
      await close();
    }
  });
});
