/** What readiness learns about the runner loop. */
export type RunnerLiveness =
  | { enabled: false }
  | { enabled: true; stalled: boolean; lastRoundAgoMs: number; stalledAfterMs: number };

/**
 * When the runner loop last went round (claimed, or found it had no room, or backed off from an
 * unreachable database). A loop that is on but has not gone round for three poll intervals plus a
 * lease is stuck: it claims nothing, and its runs' leases have run out for others to take.
 */
export class RunnerHeartbeat {
  private lastRoundAt?: number;

  constructor(
    private readonly options: { enabled: boolean; pollIntervalMs: number; leaseMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** The loop started: it has until the threshold for its first round. */
  started(): void {
    this.lastRoundAt = this.now();
  }

  beat(): void {
    this.lastRoundAt = this.now();
  }

  liveness(): RunnerLiveness {
    if (!this.options.enabled) return { enabled: false };
    const stalledAfterMs = 3 * this.options.pollIntervalMs + this.options.leaseMs;
    // Not started yet (the application is still starting up) counts as just started.
    const lastRoundAgoMs = this.now() - (this.lastRoundAt ?? this.now());
    return { enabled: true, stalled: lastRoundAgoMs > stalledAfterMs, lastRoundAgoMs, stalledAfterMs };
  }
}
