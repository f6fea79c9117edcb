import { defineWorkflow } from '../engine';

export interface ApprovalParams {
  requester: string;
  amount: number;
}

export interface ApprovalDecision {
  approved: boolean;
  approver?: string;
  comment?: string;
}

/**
 * A request waits for a human decision (the `approval` event), up to one hour; no decision in
 * time means rejection. Approved requests go through a short cooling-off period before payout.
 */
export const approvalWorkflow = defineWorkflow<ApprovalParams>(
  {
    name: 'approval',
    description: 'Waits up to 1 hour for an "approval" event, then pays out approved requests after a 5-second cooling-off sleep.',
    paramsSchema: {
      type: 'object',
      properties: { requester: { type: 'string', minLength: 1 }, amount: { type: 'number', exclusiveMinimum: 0 } },
      required: ['requester', 'amount'],
    },
    params: (params) => {
      const p = params as Partial<ApprovalParams> | undefined;
      const issues: string[] = [];
      if (typeof p?.requester !== 'string' || !p.requester) issues.push('requester must be a non-empty string');
      if (typeof p?.amount !== 'number' || !(p.amount > 0)) issues.push('amount must be a positive number');
      return issues;
    },
  },
  async (event, step) => {
    const request = await step.do('record request', async () => ({
      requester: event.payload.requester,
      amount: event.payload.amount,
      receivedAt: event.timestamp.toISOString(),
    }));
    step.log.info('Waiting for a decision', request);

    let decision: ApprovalDecision;
    try {
      const received = await step.waitForEvent<ApprovalDecision>('wait for decision', { type: 'approval', timeout: '1 hour' });
      decision = received.payload;
    } catch (error) {
      if ((error as Error).name !== 'WaitForEventTimeoutError') throw error;
      step.log.warn('No decision within an hour; rejecting');
      decision = { approved: false, comment: 'timed out' };
    }

    if (!decision.approved) return { status: 'rejected', comment: decision.comment ?? null };
    await step.sleep('cooling off', '5 seconds');
    const payout = await step.do('pay out', async () => ({ paid: request.amount, to: request.requester }));
    return { status: 'paid', approver: decision.approver ?? null, ...payout };
  },
);
