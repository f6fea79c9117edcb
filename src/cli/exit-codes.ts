import type { Command } from 'commander';

/** The CLI's exit codes, one table (also printed by `wf --help`). */
export const EXIT = {
  ok: 0,
  /** The API answered with an error, or could not be reached. */
  apiError: 1,
  /** The command line was wrong. */
  usage: 2,
  /** `wait`: the instance ended errored or terminated. */
  failed: 3,
  /** `wait`: --max-wait passed first. */
  timedOut: 4,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success (for wait: the instance completed)
  1  an API or network error
  2  a usage error
  3  wait: the instance ended errored or terminated
  4  wait: --max-wait passed before it ended`;

/** A mistake in the command line found after parsing (a malformed JSON argument, a missing file). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose help goes with the error (set where the command is known). */
  command?: Command;
}

/** Ends the command with an exit code other than 0 without it being an error (`wait`). */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
