import type { InstanceStatus } from '../model';

export type ManagementAction = 'pause' | 'resume' | 'terminate' | 'restart';
export type InstanceAction = ManagementAction | 'event';

/**
 * What an action does to an instance, as the one table of SPEC section 2.
 * - `noop`: nothing changes (still 200).
 * - `conflict`: refused with INSTANCE_TERMINAL.
 * - `to`: the instance moves to `status`; `queue` says what happens to its run-queue row.
 * - `newRun`: restart: a new run is queued, earlier runs are kept.
 * - `store`: (events) the event is stored; `wakes` says whether a matching wait requeues the run.
 */
export type Transition =
  | { kind: 'noop' }
  | { kind: 'conflict' }
  | { kind: 'to'; status: InstanceStatus; queue: 'keep' | 'hold' | 'dueNow' | 'delete' }
  | { kind: 'newRun' }
  | { kind: 'store'; wakes: boolean };

type StatusGroup = 'ready' | 'running' | 'waitingForPause' | 'paused' | 'terminal' | 'unknown';

const NOOP: Transition = { kind: 'noop' };
const CONFLICT: Transition = { kind: 'conflict' };
const NEW_RUN: Transition = { kind: 'newRun' };
const TERMINATE: Transition = { kind: 'to', status: 'terminated', queue: 'delete' };

const TABLE: Record<InstanceAction, Record<StatusGroup, Transition>> = {
  pause: {
    ready: { kind: 'to', status: 'paused', queue: 'hold' },
    running: { kind: 'to', status: 'waitingForPause', queue: 'keep' },
    waitingForPause: NOOP,
    paused: NOOP,
    terminal: CONFLICT,
    unknown: NOOP,
  },
  resume: {
    ready: NOOP,
    running: NOOP,
    waitingForPause: { kind: 'to', status: 'running', queue: 'keep' },
    paused: { kind: 'to', status: 'queued', queue: 'dueNow' },
    terminal: CONFLICT,
    unknown: NOOP,
  },
  terminate: {
    ready: TERMINATE,
    running: TERMINATE,
    waitingForPause: TERMINATE,
    paused: TERMINATE,
    terminal: CONFLICT,
    unknown: TERMINATE,
  },
  restart: {
    ready: NEW_RUN,
    running: NEW_RUN,
    waitingForPause: NEW_RUN,
    paused: NEW_RUN,
    terminal: NEW_RUN,
    unknown: NEW_RUN,
  },
  event: {
    ready: { kind: 'store', wakes: true },
    running: { kind: 'store', wakes: false },
    waitingForPause: { kind: 'store', wakes: false },
    paused: { kind: 'store', wakes: false },
    terminal: CONFLICT,
    unknown: { kind: 'store', wakes: false },
  },
};

function groupOf(status: InstanceStatus): StatusGroup {
  switch (status) {
    case 'queued':
    case 'waiting':
      return 'ready';
    case 'complete':
    case 'errored':
    case 'terminated':
      return 'terminal';
    default:
      return status;
  }
}

export function transitionFor(action: InstanceAction, status: InstanceStatus): Transition {
  return TABLE[action][groupOf(status)];
}
