import type { Clock } from '../ports/clock';
import type { LeaseCheck } from '../ports/store';
import { isDatabaseUnavailable } from '../ports/store-errors';

/**
 * Renews a claim's lease every third of its length while the claim lasts, so user code that
 * takes long never lets another runner take the run over. A renewal that finds the lease gone
 * (or fails for any reason but an unreachable database, which the next renewal retries) ends
 * the claim through `onLost`.
 */
export class LeaseKeeper {
  private cancel?: () => void;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly leaseMs: number,
    private readonly renew: () => Promise<LeaseCheck>,
    private readonly onRenewed: (check: LeaseCheck) => void,
    private readonly onLost: (error: unknown) => void,
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancel = this.clock.setTimer(Math.max(1, Math.floor(this.leaseMs / 3)), () => {
      if (this.stopped) return;
      this.renew().then(
        (check) => {
          this.onRenewed(check);
          this.schedule();
        },
        (error: unknown) => {
          if (isDatabaseUnavailable(error)) this.schedule();
          else this.onLost(error);
        },
      );
    });
  }
}
