import { IsArray, IsBoolean, IsOptional, IsString, MinLength } from 'class-validator';
import { NonRetryableError, Workflow, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from '../engine';

/** Params are checked by class-validator before an instance is created. */
export class OrderParams {
  @IsString() @MinLength(1)
  orderId!: string;

  @IsArray() @IsString({ each: true })
  items!: string[];

  /** Makes the payment provider decline the card: a failure no retry can fix. */
  @IsOptional() @IsBoolean()
  declineCard?: boolean;
}

/**
 * An order: reserving stock fails twice (a flaky inventory service) and succeeds on the third
 * attempt; a declined card is a `NonRetryableError`, which releases the stock and fails the order.
 */
@Workflow({
  name: 'order',
  description: 'Reserves stock (retried: fails twice, then succeeds), charges the card (a decline is non-retryable), ships.',
  params: OrderParams,
})
export class OrderWorkflow extends WorkflowEntrypoint<OrderParams> {
  async run(event: WorkflowEvent<OrderParams>, step: WorkflowStep) {
    const { orderId, items, declineCard } = event.payload;
    const reservation = await step.do(
      'reserve stock',
      { retries: { limit: 4, delay: '1 second', backoff: 'linear' }, timeout: '30 seconds' },
      async ({ attempt }) => {
        if (attempt < 3) throw new Error(`inventory service unavailable (attempt ${attempt})`);
        return { reservationId: `res-${orderId}`, items };
      },
    );

    try {
      await step.do('charge card', async () => {
        if (declineCard) throw new NonRetryableError('card declined');
        return { chargeId: `ch-${orderId}` };
      });
    } catch (error) {
      await step.do('release stock', async () => ({ released: reservation.reservationId }));
      throw error;
    }

    const shipment = await step.do('ship', async () => ({ trackingNumber: `TRACK-${orderId}` }));
    return { orderId, ...shipment };
  }
}
