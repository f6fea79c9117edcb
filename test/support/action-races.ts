/**
 * Workflows, the model of what the status table allows, and the history checks of the action-races suite
 * (test/e2e/action-races.e2e-spec.ts).
 */
import { Client } from 'pg';
import { defineWorkflow } from '../../src/engine';
import { delay, eventually } from './async';
import { POSTGRES_URL, type TestDatabase } from './databases';

// ---- workflows ---------------------------------------------------------------------------------

/**
 * A busy run is `running` for about BUSY_STEPS × STEP_MS: long enough for the test to see it
 * running after creating the other instances, also while other suites load the machine.
 */
const STEP_MS = 50;
const BUSY_STEPS = 20;

/** Runs a short real delay in each of its steps, so it is `running` most of its life, then waits. */
export const busy = defineWorkflow({ name: 'race-busy' }, async (_event, step) => {
  for (let i = 1; i <= BUSY_STEPS; i++) {
    await step.do(`work ${i}`, async () => {
      await delay(STEP_MS);
      return i;
    });
  }
  const go = await step.waitForEvent('go', { type: 'go', timeout: '1 hour' });
  return go.payload;
});

/** Waits for two `go` events at once (they must go to one step each), then sleeps. */
export const waiter = defineWorkflow({ name: 'race-waiter' }, async (_event, step) => {
  await step.do('submit', () => 'submitted');
  const [first, second] = await Promise.all([
    step.waitForEvent('first go', { type: 'go', timeout: '1 hour' }),
    step.waitForEvent('second go', { type: 'go', timeout: '1 hour' }),
  ]);
  await step.sleep('nap', '1 hour');
  return [first.payload, second.payload];
});

/** Sleeps for long (`waiting` with nothing to wake it but a resume or restart), then waits for `go`. */
export const sleeper = defineWorkflow({ name: 'race-sleeper' }, async (_event, step) => {
  await step.do('submit', () => 'submitted');
  await step.sleep('nap', '1 hour');
  return (await step.waitForEvent('go', { type: 'go', timeout: '1 hour' })).payload;
});

/** Completes at once. */
export const quick = defineWorkflow({ name: 'race-quick' }, async (_event, step) => step.do('only', () => 'done'));

type StepType = 'do' | 'sleep' | 'waitForEvent';

interface Kind {
  /** The state each round brings the instance to before its burst. */
  label: 'running' | 'waiting' | 'sleeping' | 'finished';
  workflow: string;
  target: string;
  /** The steps the workflow can have. */
  steps: Record<string, StepType>;
}

export const KINDS: Kind[] = [
  {
    label: 'running',
    workflow: busy.name,
    target: 'running',
    steps: { ...Object.fromEntries(Array.from({ length: BUSY_STEPS }, (_, i) => [`work ${i + 1}`, 'do' as const])), go: 'waitForEvent' },
  },
  { label: 'waiting', workflow: waiter.name, target: 'waiting', steps: { submit: 'do', 'first go': 'waitForEvent', 'second go': 'waitForEvent', nap: 'sleep' } },
  { label: 'sleeping', workflow: sleeper.name, target: 'waiting', steps: { submit: 'do', nap: 'sleep', go: 'waitForEvent' } },
  { label: 'finished', workflow: quick.name, target: 'complete', steps: { only: 'do' } },
];

// ---- what the status table allows ---------------------------------------------------------------

export const LEGAL = new Set(['queued', 'running', 'paused', 'errored', 'terminated', 'complete', 'waiting', 'waitingForPause']);
export const TERMINAL = new Set(['complete', 'errored', 'terminated']);
/** Statuses an instance stays in without an action (nothing due soon in these workflows). */
export const STABLE = new Set(['waiting', 'paused', 'complete', 'errored', 'terminated']);

type Management = 'restart' | 'pause' | 'resume' | 'terminate';
export type Action = Management | 'event';

/** `details.status` of a 200 answer to each action (the transition table's targets and no-ops). */
export const ANSWERED_STATUS: Record<Management, Set<string>> = {
  restart: new Set(['queued']),
  pause: new Set(['paused', 'waitingForPause']),
  resume: new Set(['queued', 'waiting', 'running']),
  terminate: new Set(['terminated']),
};

// ---- the burst ----------------------------------------------------------------------------------

export const INSTANCES_PER_KIND = 2;
export const ROUNDS = 3;
export const BURST = { restart: 10, pause: 10, terminate: 10, resume: 2 };
export const SETTLE_MS = 15_000;

export const BASE = '/api/workflows';

export interface Receipt {
  id: string;
  type: string;
  createdAt: string;
}

export interface SentEvent {
  type: string;
  id?: string;
  payload: unknown;
}

export interface Answer {
  action: Action;
  round: number;
  status: number;
  body: Record<string, unknown>;
  sent?: SentEvent;
}

export interface Observation {
  runNumber: number;
  status: string;
}

export interface Tracked {
  kind: Kind;
  id: string;
  firstRun: number;
  answers: Answer[];
  observations: Observation[];
  /** GETs of one instance never overlap, so their order is the order they were answered in. */
  reads: Promise<unknown>;
  /** Each event's delivery as last read from history: once set it never changes. */
  deliveries: Map<string, string>;
  /** The last run whose history was read after a round. */
  readUpTo: number;
}

interface HistoryStep {
  runNumber: number;
  name: string;
  type: string;
  status: string;
  result: unknown;
  updatedAt: string;
}

interface HistoryEvent {
  id: string;
  runNumber: number;
  type: string;
  payload: unknown;
  createdAt: string;
  deliveredAt: string | null;
  consumedByStepKey: string | null;
}

interface HistoryLog {
  id: string;
  runNumber: number;
  category: string;
  message: string;
  createdAt: string;
}

export interface RunHistory {
  runNumber: number;
  steps: HistoryStep[];
  events: HistoryEvent[];
  logs: HistoryLog[];
}

export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const ms = (iso: string) => Date.parse(iso);

/**
 * The deadlocks PostgreSQL detected (and broke) in this database. Deadlocked transactions are
 * retried, so answers alone would not show them. A backend adds its counts to the statistics by
 * the time it exits, so this waits until the application's connections are gone.
 */
export async function deadlocksIn(database: TestDatabase): Promise<number> {
  const name = new URL(database.url).pathname.slice(1);
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    const backends = () => admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    await eventually(backends, (r) => r.rows[0].n === 0);
    const { rows } = await admin.query<{ deadlocks: string | null }>('SELECT deadlocks FROM pg_stat_database WHERE datname = $1', [name]);
    return Number(rows[0]?.deadlocks ?? 0);
  } finally {
    await admin.end();
  }
}

// ---- history checks --------------------------------------------------------------------------------

const RESTARTED = /^Restarted \(run (\d+) was (\w+)\)$/;

export function checkHistory(t: Tracked, final: Observation, runs: RunHistory[], problem: (text: string) => void) {
  const where = (n: number) => `${t.kind.label} instance ${t.id} run ${n}`;
  const restartAnswers = t.answers.filter((a) => a.action === 'restart' && a.status === 200).length;
  const terminateAnswers = t.answers.filter((a) => a.action === 'terminate' && a.status === 200).length;
  if (final.runNumber - t.firstRun !== restartAnswers) {
    problem(`${t.id}: ${restartAnswers} restarts answered 200, but runs ${t.firstRun}…${final.runNumber}`);
  }

  /** How each run ended, as its own log lines tell. */
  const ends = new Map<number, 'terminated' | 'complete' | null>();
  let terminatedLines = 0;
  for (const run of runs) {
    const n = run.runNumber;
    for (const row of [...run.steps, ...run.events, ...run.logs]) {
      if (row.runNumber !== n) problem(`${where(n)}: a row of run ${row.runNumber} in its history`);
    }
    const names = new Set<string>();
    for (const step of run.steps) {
      if (names.has(step.name)) problem(`${where(n)}: step "${step.name}" twice`);
      names.add(step.name);
      if (t.kind.steps[step.name] !== step.type) problem(`${where(n)}: unexpected step ${JSON.stringify(step)}`);
    }
    for (let i = 1; i < run.logs.length; i++) {
      if (BigInt(run.logs[i].id) <= BigInt(run.logs[i - 1].id)) problem(`${where(n)}: log lines out of order`);
    }
    const system = run.logs.filter((l) => l.category === 'system');
    const restarted = system.filter((l) => RESTARTED.test(l.message));
    const terminated = system.filter((l) => l.message === 'Terminated');
    const completed = system.filter((l) => l.message === `Run ${n} completed`);
    const errored = system.filter((l) => l.message.startsWith(`Run ${n} errored`));
    terminatedLines += terminated.length;
    if (errored.length) problem(`${where(n)}: errored: ${errored.map((l) => l.message).join('; ')}`);

    // A later run opens with the restart that created it.
    if (n === t.firstRun) {
      if (restarted.length) problem(`${where(n)}: the first run has a restart line: ${restarted[0].message}`);
    } else {
      const match = restarted.length === 1 ? RESTARTED.exec(restarted[0].message) : null;
      if (!match || run.logs[0] !== restarted[0] || Number(match[1]) !== n - 1 || !LEGAL.has(match[2])) {
        problem(`${where(n)}: expected one "Restarted (run ${n - 1} was …)" line first, got ${JSON.stringify(run.logs.slice(0, 3))}`);
      }
    }

    // At most one end; a Terminated line is the last thing the run wrote.
    if (terminated.length + completed.length > 1) problem(`${where(n)}: ended more than once: ${[...terminated, ...completed].map((l) => l.message)}`);
    ends.set(n, terminated.length ? 'terminated' : completed.length ? 'complete' : null);
    if (terminated.length === 1) {
      const line = terminated[0];
      if (run.logs.at(-1) !== line) problem(`${where(n)}: log lines after "Terminated": ${JSON.stringify(run.logs.slice(run.logs.indexOf(line) + 1))}`);
      writtenBy(run, ms(line.createdAt), `"Terminated" at ${line.createdAt}`, where(n), problem);
    }

    checkEvents(run, where(n), problem);
  }
  if (terminatedLines !== terminateAnswers) problem(`${t.id}: ${terminateAnswers} terminates answered 200, but ${terminatedLines} "Terminated" lines`);

  // Each superseded run: its end agrees with what the restart saw, and it wrote nothing after it.
  for (let i = 0; i + 1 < runs.length; i++) {
    const run = runs[i];
    const next = runs[i + 1];
    const line = next.logs.find((l) => l.category === 'system' && RESTARTED.test(l.message));
    if (!line) continue;
    const was = RESTARTED.exec(line.message)![2];
    const end = ends.get(run.runNumber);
    if ((was === 'terminated' || was === 'complete' ? was : null) !== end) {
      problem(`${where(run.runNumber)}: restarted when it "was ${was}", but its own lines say it ended ${end ?? 'never'}`);
    }
    writtenBy(run, ms(line.createdAt), `the restart at ${line.createdAt}`, where(run.runNumber), problem);
    const lateLogs = run.logs.filter((l) => BigInt(l.id) > BigInt(line.id));
    if (lateLogs.length) problem(`${where(run.runNumber)}: log lines written after its restart: ${JSON.stringify(lateLogs)}`);
  }
  const lastEnd = ends.get(final.runNumber) ?? null;
  const finalEnd = final.status === 'terminated' || final.status === 'complete' ? final.status : null;
  if (lastEnd !== finalEnd) problem(`${where(final.runNumber)}: the instance is ${final.status}, but its lines say it ended ${lastEnd ?? 'never'}`);

  // Every event answered 200 is stored once, as answered; every stored event was answered.
  const stored = new Map<string, HistoryEvent>();
  for (const event of runs.flatMap((r) => r.events)) {
    if (stored.has(event.id)) problem(`${t.id}: event id ${event.id} stored twice (runs ${stored.get(event.id)!.runNumber} and ${event.runNumber})`);
    stored.set(event.id, event);
  }
  const answered = new Map<string, { receipt: Receipt; payloads: unknown[] }>();
  for (const a of t.answers) {
    if (a.action !== 'event' || a.status !== 200) continue;
    const receipt = a.body.event as Receipt;
    const entry = answered.get(receipt.id) ?? { receipt, payloads: [] };
    entry.payloads.push(a.sent!.payload);
    answered.set(receipt.id, entry);
  }
  for (const [id, { receipt, payloads }] of answered) {
    const event = stored.get(id);
    const payloadSent = event && payloads.some((p) => JSON.stringify(p) === JSON.stringify(event.payload));
    if (!event || event.type !== receipt.type || event.createdAt !== receipt.createdAt || !payloadSent) {
      problem(`${t.id}: event answered ${JSON.stringify(receipt)} is stored as ${JSON.stringify(event ?? null)}`);
    }
  }
  for (const id of stored.keys()) if (!answered.has(id)) problem(`${t.id}: event ${id} stored but never answered 200`);
}

/**
 * Nothing of `run` (steps, events, deliveries, log lines) is later than `limit`. Every one of those
 * times and the action's own log line come from the one engine clock of the live process (which
 * resyncs with the database only once a minute), so the comparison is exact.
 */
function writtenBy(run: RunHistory, limit: number, what: string, where: string, problem: (text: string) => void) {
  const late = [
    ...run.steps.filter((s) => ms(s.updatedAt) > limit).map((s) => `step "${s.name}" updated ${s.updatedAt}`),
    ...run.events.filter((e) => ms(e.createdAt) > limit).map((e) => `event ${e.id} created ${e.createdAt}`),
    ...run.events.filter((e) => e.deliveredAt && ms(e.deliveredAt) > limit).map((e) => `event ${e.id} delivered ${e.deliveredAt}`),
    ...run.logs.filter((l) => ms(l.createdAt) > limit).map((l) => `log "${l.message}" at ${l.createdAt}`),
  ];
  if (late.length) problem(`${where}: written after ${what}: ${late.join('; ')}`);
}

/** No event consumed twice; each consumed one went to a completed wait of its type, which got it. */
function checkEvents(run: RunHistory, where: string, problem: (text: string) => void) {
  const waits = new Map(run.steps.filter((s) => s.type === 'waitForEvent').map((s) => [s.name, s]));
  const consumers = new Map<string, HistoryEvent>();
  for (const event of run.events) {
    if ((event.deliveredAt === null) !== (event.consumedByStepKey === null)) problem(`${where}: half-delivered event ${JSON.stringify(event)}`);
    if (event.consumedByStepKey === null) continue;
    const earlier = consumers.get(event.consumedByStepKey);
    if (earlier) problem(`${where}: step "${event.consumedByStepKey}" consumed events ${earlier.id} and ${event.id}`);
    consumers.set(event.consumedByStepKey, event);
    const step = waits.get(event.consumedByStepKey);
    const result = step?.result as { type?: string; payload?: unknown; timestamp?: string } | null | undefined;
    const matches =
      step?.status === 'completed' &&
      result?.type === event.type &&
      result?.timestamp === event.createdAt &&
      JSON.stringify(result?.payload ?? null) === JSON.stringify(event.payload ?? null);
    if (!matches) problem(`${where}: event ${JSON.stringify(event)} consumed by ${JSON.stringify(step ?? null)}`);
  }
  for (const step of waits.values()) {
    if (step.status === 'completed' && !consumers.has(step.name)) problem(`${where}: wait "${step.name}" completed without consuming an event`);
  }
}

/** One receipt per idempotent id and instance, and once stored, an id is answered 200 in every later round. */
export function checkIdempotentAnswers(tracked: Tracked[], problem: (text: string) => void) {
  for (const t of tracked) {
    const byId = new Map<string, Answer[]>();
    for (const a of t.answers) if (a.action === 'event' && a.sent?.id) byId.set(a.sent.id, [...(byId.get(a.sent.id) ?? []), a]);
    for (const [id, answers] of byId) {
      const ok = answers.filter((a) => a.status === 200);
      const receipts = new Set(ok.map((a) => JSON.stringify(a.body.event)));
      if (receipts.size > 1) problem(`${t.id}: event id ${id} answered with ${receipts.size} different receipts: ${[...receipts].join(' ')}`);
      if (!ok.length) continue;
      const storedIn = Math.min(...ok.map((a) => a.round));
      for (const a of answers) {
        if (a.round > storedIn && a.status !== 200) problem(`${t.id}: event id ${id}, stored in round ${storedIn}, answered ${a.status} in round ${a.round}: ${JSON.stringify(a.body)}`);
      }
    }
  }
}
