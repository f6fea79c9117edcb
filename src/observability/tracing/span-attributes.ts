/**
 * The attributes and events on the engine's spans (docs/operations-tracing.md). OpenTelemetry has
 * no semantic conventions for durable workflows, so they are `workflows.*`; errors use the
 * standard `error.type` attribute and `exception` event.
 */
export const WORKFLOW_ATTRIBUTES = {
  workflowName: 'workflows.workflow.name',
  instanceId: 'workflows.instance.id',
  runNumber: 'workflows.run.number',
  /** On a run span: true when this claim started the run, false when it resumes it. */
  firstClaim: 'workflows.run.first_claim',
  /** On a run span: how the claim ended (complete, errored, suspended, released, lost). */
  claimOutcome: 'workflows.claim.outcome',
  stepName: 'workflows.step.name',
  stepType: 'workflows.step.type',
  /** 1 for a step's first attempt. */
  attempt: 'workflows.step.attempt',
  /** On a retry event: when the next attempt is due (ISO 8601). */
  retryAt: 'workflows.step.retry_at',
  eventType: 'workflows.event.type',
  /** On an event-delivered event: from the event's arrival to its delivery. */
  eventWaitedMs: 'workflows.event.waited_ms',
} as const;

export const WORKFLOW_SPAN_EVENTS = {
  /** On a failed attempt's span: the step is tried again at `workflows.step.retry_at`. */
  retryScheduled: 'workflows.retry_scheduled',
  /** On a run span: a `waitForEvent` got its event. */
  eventDelivered: 'workflows.event_delivered',
} as const;
