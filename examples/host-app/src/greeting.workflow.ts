import { Workflow, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'durable-workflows';
import { GreetingService } from './greeting.service';

export interface GreetingParams {
  name: string;
}

/** A workflow class is a Nest provider: its constructor gets the host's providers. */
@Workflow({ name: 'greeting', params: (params) => typeof (params as GreetingParams)?.name === 'string' || 'name must be a string' })
export class GreetingWorkflow extends WorkflowEntrypoint<GreetingParams> {
  constructor(private readonly greetings: GreetingService) {
    super();
  }

  async run(event: WorkflowEvent<GreetingParams>, step: WorkflowStep): Promise<{ greeting: string }> {
    const greeting = await step.do('greet', async () => this.greetings.greet(event.payload.name));
    return { greeting };
  }
}
