import type { ClaimEnd } from '../ports/telemetry';

/** How a claim ended, for its scheduler: a released run counts as lost (another process takes it). */
export type ExecutionOutcome = 'complete' | 'errored' | 'suspended' | 'lost';

export function outcomeOf(end: ClaimEnd): ExecutionOutcome {
  return end.outcome === 'released' ? 'lost' : end.outcome;
}

/**
 * - `running`: workflow code runs; steps start and commit.
 * - `stopping`: shutdown asked; steps in progress finish, none starts, the run suspends at its boundary.
 * - `ending`: finishing, suspending or being released; no step starts (a step still in progress may commit).
 * - `over`: nothing more is written; `end` says how it ended.
 */
type Phase = { phase: 'running' } | { phase: 'stopping' } | { phase: 'ending' } | { phase: 'over'; end: ClaimEnd };

/** Where a claim is in its life, and the outcome it ends with, announced once. */
export class ClaimState {
  private current: Phase = { phase: 'running' };
  private announce!: (end: ClaimEnd) => void;
  readonly ended = new Promise<ClaimEnd>((resolve) => (this.announce = resolve));

  /** New steps may start. */
  get running(): boolean {
    return this.current.phase === 'running';
  }

  /** No end is chosen yet: the run may still suspend, or be given up as lost. */
  get open(): boolean {
    return this.current.phase === 'running' || this.current.phase === 'stopping';
  }

  /** Shutdown asked: steps in progress finish, none starts. */
  stop(): void {
    if (this.current.phase === 'running') this.current = { phase: 'stopping' };
  }

  /** Chooses that the claim ends now; false when an end was chosen already. */
  beginEnding(): boolean {
    if (!this.open) return false;
    this.current = { phase: 'ending' };
    return true;
  }

  /** The claim is over, as `end` says (the first one given counts). */
  end(end: ClaimEnd): void {
    if (this.current.phase === 'over') return;
    this.current = { phase: 'over', end };
    this.announce(end);
  }
}
