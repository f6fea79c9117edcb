import { INSTANCE_STATUSES, type InstanceStatus } from '../model';
import { INITIAL_STATUS, moveFor, type RunnerEvent, runnerMove, type StatusEvent, type Transition, transitionFor } from './transitions';

const NOOP: Transition = { kind: 'noop' };
const CONFLICT: Transition = { kind: 'conflict' };
const NEW_RUN: Transition = { kind: 'newRun' };
const to = (status: InstanceStatus, queue: Extract<Transition, { kind: 'to' }>['queue']): Transition => ({ kind: 'to', status, queue });
const store = (wakes: boolean): Transition => ({ kind: 'store', wakes });

const TERMINAL: InstanceStatus[] = ['complete', 'errored', 'terminated'];

/**
 * The status table of the HTTP contract (docs/decisions.md for `unknown`),
 * written out cell by cell: what each action does from each status.
 */
const ACTIONS: Record<'pause' | 'resume' | 'terminate' | 'restart' | 'event', Record<InstanceStatus, Transition>> = {
  pause: {
    queued: to('paused', 'hold'),
    waiting: to('paused', 'hold'),
    running: to('waitingForPause', 'keep'),
    waitingForPause: NOOP,
    paused: NOOP,
    complete: CONFLICT,
    errored: CONFLICT,
    terminated: CONFLICT,
    unknown: NOOP,
  },
  resume: {
    queued: NOOP,
    waiting: NOOP,
    running: NOOP,
    waitingForPause: to('running', 'keep'),
    paused: to('queued', 'dueNow'),
    complete: CONFLICT,
    errored: CONFLICT,
    terminated: CONFLICT,
    unknown: NOOP,
  },
  terminate: {
    queued: to('terminated', 'delete'),
    waiting: to('terminated', 'delete'),
    running: to('terminated', 'delete'),
    waitingForPause: to('terminated', 'delete'),
    paused: to('terminated', 'delete'),
    complete: CONFLICT,
    errored: CONFLICT,
    terminated: CONFLICT,
    unknown: to('terminated', 'delete'),
  },
  restart: {
    queued: NEW_RUN,
    waiting: NEW_RUN,
    running: NEW_RUN,
    waitingForPause: NEW_RUN,
    paused: NEW_RUN,
    complete: NEW_RUN,
    errored: NEW_RUN,
    terminated: NEW_RUN,
    unknown: NEW_RUN,
  },
  event: {
    queued: store(false),
    waiting: store(true),
    running: store(false),
    waitingForPause: store(false),
    paused: store(false),
    complete: CONFLICT,
    errored: CONFLICT,
    terminated: CONFLICT,
    unknown: store(false),
  },
};

/** Where a runner event takes the run it holds: without a pause asked for, and with one. */
const RUNNER: Record<Exclude<RunnerEvent, 'wokenByEvent' | 'wokenByWorkflow'>, [Transition, Transition]> = {
  claimed: [to('running', 'keep'), to('waitingForPause', 'keep')],
  suspendedUntilLater: [to('waiting', 'dueLater'), to('paused', 'hold')],
  suspendedDueNow: [to('queued', 'dueNow'), to('paused', 'hold')],
  released: [to('queued', 'dueNow'), to('waitingForPause', 'dueNow')],
  completed: [to('complete', 'delete'), to('complete', 'delete')],
  failed: [to('errored', 'delete'), to('errored', 'delete')],
};

const actionCells = Object.entries(ACTIONS).flatMap(([action, row]) =>
  INSTANCE_STATUSES.map((status) => [action as StatusEvent, status, row[status]] as const),
);

describe('the status table: actions', () => {
  it('has a cell for every action and every status', () => {
    expect(actionCells).toHaveLength(5 * INSTANCE_STATUSES.length);
  });

  it.each(actionCells)('%s on %s', (action, status, expected) => {
    expect(transitionFor(action, status)).toEqual(expected);
  });

  it('the terminal statuses (complete, errored, terminated) behave alike for every action', () => {
    for (const action of Object.keys(ACTIONS) as StatusEvent[]) {
      const cells = TERMINAL.map((status) => transitionFor(action, status));
      expect(cells).toEqual([cells[0], cells[0], cells[0]]);
    }
  });

  it('only restart leaves a terminal status', () => {
    for (const action of Object.keys(ACTIONS) as StatusEvent[]) {
      for (const status of TERMINAL) expect({ action, status, kind: transitionFor(action, status).kind }).toEqual({ action, status, kind: action === 'restart' ? 'newRun' : 'conflict' });
    }
  });

  it('an event wakes the run only when it is waiting', () => {
    const waking = INSTANCE_STATUSES.filter((status) => {
      const cell = transitionFor('event', status);
      return cell.kind === 'store' && cell.wakes;
    });
    expect(waking).toEqual(['waiting']);
  });

  it('a new instance and every new run start queued', () => {
    expect(INITIAL_STATUS).toBe('queued');
  });
});

const runnerCells = Object.entries(RUNNER).flatMap(([event, [plain, pausing]]) => [
  [event as RunnerEvent, false, plain] as const,
  [event as RunnerEvent, true, pausing] as const,
]);

describe('the status table: runner events', () => {
  it.each(runnerCells)('runnerMove(%s, pauseRequested %s)', (event, pauseRequested, expected) => {
    expect(runnerMove(event, pauseRequested)).toEqual(expected);
  });

  it.each(runnerCells)('moveFor(%s) from a held run (pause asked: %s) is the same move', (event, pauseRequested, expected) => {
    expect(moveFor(event, pauseRequested ? 'waitingForPause' : 'running')).toEqual(expected);
  });

  it.each(Object.keys(RUNNER) as RunnerEvent[])('%s changes nothing on a run the runner cannot hold', (event) => {
    for (const status of INSTANCE_STATUSES.filter((s) => s !== 'running' && s !== 'waitingForPause')) {
      expect({ status, transition: transitionFor(event, status) }).toEqual({ status, transition: NOOP });
    }
  });

  it.each(['wokenByEvent', 'wokenByWorkflow'] as const)('%s requeues a waiting run now, and nothing else', (event) => {
    expect(moveFor(event, 'waiting')).toEqual(to('queued', 'dueNow'));
    for (const status of INSTANCE_STATUSES.filter((s) => s !== 'waiting')) {
      expect({ status, transition: transitionFor(event, status) }).toEqual({ status, transition: NOOP });
    }
  });

  it('a pause asked for while the run ran survives its claim and takes effect at the next boundary', () => {
    expect(runnerMove('claimed', true).status).toBe('waitingForPause');
    expect(runnerMove('suspendedUntilLater', true).status).toBe('paused');
    expect(runnerMove('suspendedDueNow', true).status).toBe('paused');
  });
});

describe('moveFor', () => {
  it('throws where the table has no move (a no-op, a conflict, a new run, a stored event)', () => {
    expect(() => moveFor('wokenByEvent', 'running')).toThrow('The status table has no move for "wokenByEvent" from "running"');
    expect(() => runnerMove('wokenByEvent', false)).toThrow(/no move for "wokenByEvent" from "running"/);
    expect(() => runnerMove('wokenByEvent', true)).toThrow(/no move for "wokenByEvent" from "waitingForPause"/);
    expect(() => moveFor('pause', 'paused')).toThrow(/no move for "pause" from "paused"/);
    expect(() => moveFor('resume', 'complete')).toThrow(/no move for "resume" from "complete"/);
    expect(() => moveFor('restart', 'queued')).toThrow(/no move for "restart" from "queued"/);
    expect(() => moveFor('event', 'waiting')).toThrow(/no move for "event" from "waiting"/);
  });

  it('returns the cell where the table has a move', () => {
    expect(moveFor('pause', 'running')).toEqual(to('waitingForPause', 'keep'));
    expect(moveFor('terminate', 'unknown')).toEqual(to('terminated', 'delete'));
  });
});
