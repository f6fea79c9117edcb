import type { Lease } from '../model';

/** The run was terminated, restarted or taken over: this runner may not write for it any more. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';

  constructor(readonly lease: Lease) {
    super(`Lease on ${lease.workflowName}/${lease.instanceId} run ${lease.runNumber} is no longer held`);
  }
}
