import type { StepAttempt, WorkflowDefinition, WorkflowStep } from '../engine';

/** What runs instead of a `step.do` callback: it gets the same attempt and its result is the step's. */
export type StepMock = (attempt: StepAttempt) => unknown;

/**
 * The test engine's step mocks, by step name: in one workflow, or in every workflow. A mock only
 * replaces the callback: the step is still durable (recorded, answered from storage on replay),
 * retried and timed out as its config says, so a workflow's reaction to the outside is what is
 * tested. The mock is looked up each time a step runs, so one set between runs applies from then.
 */
export class StepMocks {
  private readonly everywhere = new Map<string, StepMock>();
  private readonly inWorkflow = new Map<string, Map<string, StepMock>>();

  /** Sets the mock (replacing any for the same place); returns the function that removes it. */
  set(workflowName: string | null, stepName: string, mock: StepMock): () => void {
    const table = workflowName === null ? this.everywhere : this.tableOf(workflowName);
    table.set(stepName, mock);
    return () => {
      if (table.get(stepName) === mock) table.delete(stepName);
    };
  }

  /** The mock for a step: the workflow's own first, then one set for every workflow. */
  find(workflowName: string, stepName: string): StepMock | undefined {
    return this.inWorkflow.get(workflowName)?.get(stepName) ?? this.everywhere.get(stepName);
  }

  /** The definition with its `step` answering `do` from the mocks that match. */
  wrap(definition: WorkflowDefinition): WorkflowDefinition {
    return { ...definition, run: (event, step, context) => definition.run(event, this.mockedStep(definition.name, step), context) };
  }

  /**
   * The engine's `step` with `do` looked up in the mocks first. A proxy, so every other step kind
   * (and any added later) is the engine's own, untouched.
   */
  private mockedStep(workflowName: string, step: WorkflowStep): WorkflowStep {
    const mockedDo = (name: string, ...args: unknown[]) => {
      const mock = this.find(workflowName, name);
      const callArgs = mock ? [...args.slice(0, -1), mock] : args;
      return (step.do as (name: string, ...rest: unknown[]) => Promise<unknown>)(name, ...callArgs);
    };
    return new Proxy(step, {
      get(target, property) {
        if (property === 'do') return mockedDo;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  private tableOf(workflowName: string): Map<string, StepMock> {
    let table = this.inWorkflow.get(workflowName);
    if (!table) this.inWorkflow.set(workflowName, (table = new Map()));
    return table;
  }
}
