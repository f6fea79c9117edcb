import type { InstanceStatus } from '../model';

/** What someone outside the runner can ask of an instance. */
export type ManagementAction = 'pause' | 'resume' | 'terminate' | 'restart';
export type InstanceAction = ManagementAction | 'event';

/** What the runner does with a claimed run. */
export type RunnerEvent =
  /** It takes the run. */
  | 'claimed'
  /** Everything left waits: for a time, a retry, an event. */
  | 'suspendedUntilLater'
  /** Everything left waits, but something is already due (the step budget ran out, an event arrived). */
  | 'suspendedDueNow'
  /** It gives the run back unfinished (shutdown). */
  | 'released'
  | 'completed'
  | 'failed'
  /** An event the run's `waitForEvent` waits for arrived. */
  | 'wokenByEvent'
  /** The instance the run's `waitForWorkflow` waits for finished (or was terminated). */
  | 'wokenByWorkflow';

/** Every event that changes an instance's status. */
export type StatusEvent = InstanceAction | RunnerEvent;

/** What happens to an instance's run-queue row. */
export type QueueEffect =
  /** Unchanged (a runner holds it, or it stays as it was). */
  | 'keep'
  /** Not runnable until resumed (paused). */
  | 'hold'
  | 'dueNow'
  /** Due when the run's earliest parked step is. */
  | 'dueLater'
  /** The run is over. */
  | 'delete';

/**
 * - `noop`: nothing changes (still 200).
 * - `conflict`: refused with INSTANCE_TERMINAL.
 * - `to`: the instance moves to `status`; `queue` says what happens to its run-queue row.
 * - `newRun`: restart: a new run is queued, earlier runs are kept.
 * - `store`: (events) the event is stored; `wakes` says whether a matching wait requeues the run
 *   (as `wokenByEvent` says).
 */
export type Transition =
  | { kind: 'noop' }
  | { kind: 'conflict' }
  | { kind: 'to'; status: InstanceStatus; queue: QueueEffect }
  | { kind: 'newRun' }
  | { kind: 'store'; wakes: boolean };

type StatusGroup = 'queued' | 'waiting' | 'running' | 'waitingForPause' | 'paused' | 'terminal' | 'unknown';
type Rules = Record<StatusGroup, Transition>;

/** A new instance, and every new run, starts here. */
export const INITIAL_STATUS: InstanceStatus = 'queued';

const NOOP: Transition = { kind: 'noop' };
const CONFLICT: Transition = { kind: 'conflict' };
const NEW_RUN: Transition = { kind: 'newRun' };
const to = (status: InstanceStatus, queue: QueueEffect): Transition => ({ kind: 'to', status, queue });
const TERMINATE = to('terminated', 'delete');

/**
 * A runner event happens to a run the runner holds: one that is `running`, or `waitingForPause`
 * (a pause was asked while it ran). Anything else cannot be: the claim's writes are fenced.
 */
const held = (running: Transition, waitingForPause: Transition): Rules => ({
  queued: NOOP,
  waiting: NOOP,
  running,
  waitingForPause,
  paused: NOOP,
  terminal: NOOP,
  unknown: NOOP,
});

/**
 * Every status change, as one table (the status table of docs/http-api.md, plus the runner's
 * own): the compiler demands a row for every event and a cell for every status. Terminating or
 * restarting an instance also terminates its live children whose close policy is `terminate`
 * (manage-instance.ts, closeChildren), each by its own `terminate` row.
 */
const TABLE: Record<StatusEvent, Rules> = {
  pause: {
    queued: to('paused', 'hold'),
    waiting: to('paused', 'hold'),
    running: to('waitingForPause', 'keep'),
    waitingForPause: NOOP,
    paused: NOOP,
    terminal: CONFLICT,
    unknown: NOOP,
  },
  resume: {
    queued: NOOP,
    waiting: NOOP,
    running: NOOP,
    waitingForPause: to('running', 'keep'),
    paused: to('queued', 'dueNow'),
    terminal: CONFLICT,
    unknown: NOOP,
  },
  terminate: {
    queued: TERMINATE,
    waiting: TERMINATE,
    running: TERMINATE,
    waitingForPause: TERMINATE,
    paused: TERMINATE,
    terminal: CONFLICT,
    unknown: TERMINATE,
  },
  restart: {
    queued: NEW_RUN,
    waiting: NEW_RUN,
    running: NEW_RUN,
    waitingForPause: NEW_RUN,
    paused: NEW_RUN,
    terminal: NEW_RUN,
    unknown: NEW_RUN,
  },
  event: {
    queued: { kind: 'store', wakes: false },
    waiting: { kind: 'store', wakes: true },
    running: { kind: 'store', wakes: false },
    waitingForPause: { kind: 'store', wakes: false },
    paused: { kind: 'store', wakes: false },
    terminal: CONFLICT,
    unknown: { kind: 'store', wakes: false },
  },
  // A pause asked for while the run ran survives its claim and takes effect at its boundary.
  claimed: held(to('running', 'keep'), to('waitingForPause', 'keep')),
  suspendedUntilLater: held(to('waiting', 'dueLater'), to('paused', 'hold')),
  suspendedDueNow: held(to('queued', 'dueNow'), to('paused', 'hold')),
  released: held(to('queued', 'dueNow'), to('waitingForPause', 'dueNow')),
  completed: held(to('complete', 'delete'), to('complete', 'delete')),
  failed: held(to('errored', 'delete'), to('errored', 'delete')),
  wokenByEvent: { ...held(NOOP, NOOP), waiting: to('queued', 'dueNow') },
  wokenByWorkflow: { ...held(NOOP, NOOP), waiting: to('queued', 'dueNow') },
};

/** The statuses a run ends in: only restart leaves them, and only they may be deleted or purged. */
export const TERMINAL_STATUSES = ['complete', 'errored', 'terminated'] as const satisfies readonly InstanceStatus[];

export function isTerminal(status: InstanceStatus): boolean {
  return (TERMINAL_STATUSES as readonly InstanceStatus[]).includes(status);
}

function groupOf(status: InstanceStatus): StatusGroup {
  return isTerminal(status) ? 'terminal' : (status as Exclude<InstanceStatus, (typeof TERMINAL_STATUSES)[number]>);
}

export function transitionFor(event: StatusEvent, status: InstanceStatus): Transition {
  return TABLE[event][groupOf(status)];
}

export type Move = Extract<Transition, { kind: 'to' }>;

/** The move the table gives `event` from `status`, where the table says it is one. */
export function moveFor(event: StatusEvent, status: InstanceStatus): Move {
  const transition = transitionFor(event, status);
  if (transition.kind !== 'to') throw new Error(`The status table has no move for "${event}" from "${status}"`);
  return transition;
}

/**
 * Where a runner event takes a held run, given whether a pause was asked (the runner learns that
 * from its lease, not from the instance row).
 */
export function runnerMove(event: RunnerEvent, pauseRequested: boolean): Move {
  return moveFor(event, pauseRequested ? 'waitingForPause' : 'running');
}
