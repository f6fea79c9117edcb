import type { ClaimedRun } from '../../engine/ports/store';
import type { Dialect } from './dialect';
import { instanceFromRow } from './row-mappers';

/** A claimed instance row as the runner receives it, with the claim's lease. */
export function claimedRunOf(d: Dialect, row: Record<string, unknown>, token: string, claim: { firstClaim: boolean; takenOver: boolean }): ClaimedRun {
  const instance = instanceFromRow(d, row);
  return {
    instance,
    lease: { workflowName: instance.workflowName, instanceId: instance.instanceId, runNumber: instance.runNumber, token },
    ...claim,
  };
}
