/**
 * Races over HTTP: bursts of concurrent restart, pause, terminate, resume and events (with and
 * without idempotent ids) on the same instances, while the in-process runner (short poll) advances
 * them. The instances are running a step, waiting (for events, or asleep) or finished when a burst
 * starts; each round brings them back to that state first.
 *
 * Nothing here depends on timing: only invariants are asserted.
 * - Every response is one SPEC allows for its action (restart always 200; pause, resume,
 *   terminate and events 200 or 409 INSTANCE_TERMINAL), never a 5xx.
 * - Every status ever seen is legal, and runNumber never goes down across successive reads.
 * - Runs and history agree with the answers: one run per restart answered 200, one "Restarted" line
 *   opening each later run, one "Terminated" line per terminate answered 200 (the last line of its
 *   run), nothing of a run written after it was terminated or superseded, every event answered 200
 *   stored exactly once, none consumed twice, each consumed one by the step that completed with it.
 * - On PostgreSQL, no deadlock at all (they would be retried, and so invisible in the answers).
 * The only deadline is a generous one for the runner to settle the instances after each burst.
 *
 * Problems are collected and asserted together at the end, so a failure lists all of them.
 */
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { defineWorkflow } from '../../src/engine';
import { delay, eventually } from '../support/async';
import { createTestDatabase, POSTGRES_URL, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { createTestApp } from '../support/test-app';

// ---- workflows ---------------------------------------------------------------------------------

const STEP_MS = 10;
const BUSY_STEPS = 20;

/** Runs a short real delay in each of its steps, so it is `running` most of its life, then waits. */
const busy = defineWorkflow({ name: 'race-busy' }, async (_event, step) => {
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
const waiter = defineWorkflow({ name: 'race-waiter' }, async (_event, step) => {
  await step.do('submit', () => 'submitted');
  const [first, second] = await Promise.all([
    step.waitForEvent('first go', { type: 'go', timeout: '1 hour' }),
    step.waitForEvent('second go', { type: 'go', timeout: '1 hour' }),
  ]);
  await step.sleep('nap', '1 hour');
  return [first.payload, second.payload];
});

/** Sleeps for long (`waiting` with nothing to wake it but a resume or restart), then waits for `go`. */
const sleeper = defineWorkflow({ name: 'race-sleeper' }, async (_event, step) => {
  await step.do('submit', () => 'submitted');
  await step.sleep('nap', '1 hour');
  return (await step.waitForEvent('go', { type: 'go', timeout: '1 hour' })).payload;
});

/** Completes at once. */
const quick = defineWorkflow({ name: 'race-quick' }, async (_event, step) => step.do('only', () => 'done'));

type StepType = 'do' | 'sleep' | 'waitForEvent';

interface Kind {
  /** The state each round brings the instance to before its burst. */
  label: 'running' | 'waiting' | 'sleeping' | 'finished';
  workflow: string;
  target: string;
  /** The steps the workflow can have. */
  steps: Record<string, StepType>;
}

const KINDS: Kind[] = [
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

// ---- what SPEC allows ---------------------------------------------------------------------------

const LEGAL = new Set(['queued', 'running', 'paused', 'errored', 'terminated', 'complete', 'waiting', 'waitingForPause']);
const TERMINAL = new Set(['complete', 'errored', 'terminated']);
/** Statuses an instance stays in without an action (nothing due soon in these workflows). */
const STABLE = new Set(['waiting', 'paused', 'complete', 'errored', 'terminated']);

type Management = 'restart' | 'pause' | 'resume' | 'terminate';
type Action = Management | 'event';

/** `details.status` of a 200 answer to each action (the transition table's targets and no-ops). */
const ANSWERED_STATUS: Record<Management, Set<string>> = {
  restart: new Set(['queued']),
  pause: new Set(['paused', 'waitingForPause']),
  resume: new Set(['queued', 'waiting', 'running']),
  terminate: new Set(['terminated']),
};

// ---- the burst ----------------------------------------------------------------------------------

const INSTANCES_PER_KIND = 2;
const ROUNDS = 3;
const BURST = { restart: 10, pause: 10, terminate: 10, resume: 2 };
const SETTLE_MS = 15_000;

const BASE = '/api/workflows';

interface Receipt {
  id: string;
  type: string;
  createdAt: string;
}

interface SentEvent {
  type: string;
  id?: string;
  payload: unknown;
}

interface Answer {
  action: Action;
  round: number;
  status: number;
  body: Record<string, unknown>;
  sent?: SentEvent;
}

interface Observation {
  runNumber: number;
  status: string;
}

interface Tracked {
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
  consumedByStep: string | null;
}

interface HistoryLog {
  id: string;
  runNumber: number;
  category: string;
  message: string;
  createdAt: string;
}

interface RunHistory {
  runNumber: number;
  steps: HistoryStep[];
  events: HistoryEvent[];
  logs: HistoryLog[];
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const ms = (iso: string) => Date.parse(iso);

describe.each(TEST_DATABASES)('concurrent actions over HTTP on %s', (kind) => {
  it('answers every burst with allowed statuses and leaves consistent instances and histories', async () => {
    const problems: string[] = [];
    const problem = (text: string) => {
      problems.push(text);
    };
    const database: TestDatabase = await createTestDatabase(kind);
    const live = await createTestApp(kind, {
      workflows: [busy, waiter, sleeper, quick],
      // The pool the standalone server opens for the default runner concurrency (10 + 5).
      database: { url: database.url, poolSize: 15 },
      runner: { pollIntervalMs: 20 },
    });
    let liveOpen = true;
    let reader: Awaited<ReturnType<typeof createTestApp>> | undefined;
    try {
      // One listening server: supertest would otherwise listen and close per request.
      await live.app.listen(0, '127.0.0.1');
      let url = `http://127.0.0.1:${(live.app.getHttpServer().address() as AddressInfo).port}`;
      const pathOf = (t: Tracked) => `${BASE}/workflows/${t.kind.workflow}/instances/${t.id}`;
      const describeAnswer = (t: Tracked, a: Answer) =>
        `${t.kind.label} instance ${t.id}, round ${a.round}: ${a.action}${a.sent ? ` ${JSON.stringify(a.sent)}` : ''} → ${a.status} ${JSON.stringify(a.body)}`;

      // ---- requests, each answer checked as it arrives ---------------------------------------

      const act = async (t: Tracked, action: Action, round: number, sent?: SentEvent): Promise<Answer> => {
        const res =
          action === 'event' ? await request(url).post(`${pathOf(t)}/events`).send(sent!) : await request(url).post(`${pathOf(t)}/${action}`);
        const answer: Answer = { action, round, status: res.status, body: res.body ?? {}, ...(sent ? { sent } : {}) };
        t.answers.push(answer);
        checkAnswer(t, answer);
        return answer;
      };

      const checkAnswer = (t: Tracked, a: Answer) => {
        const details = a.body.details as { status?: string } | undefined;
        if (a.status >= 500) {
          problem(`5xx: ${describeAnswer(t, a)}`);
          console.error(`5xx answer: ${describeAnswer(t, a)}`);
          return;
        }
        if (a.status === 409 && a.action !== 'restart') {
          if (a.body.code !== 'INSTANCE_TERMINAL' || !TERMINAL.has(String(details?.status))) problem(`unexpected 409: ${describeAnswer(t, a)}`);
          return;
        }
        if (a.status !== 200) {
          problem(`unexpected status: ${describeAnswer(t, a)}`);
          return;
        }
        if (a.action === 'event') {
          const receipt = a.body.event as Receipt | undefined;
          const status = (a.body.status as { status?: string } | undefined)?.status;
          const receiptOk = receipt && receipt.type === a.sent!.type && (a.sent!.id === undefined || receipt.id === a.sent!.id) && typeof receipt.createdAt === 'string';
          if (!receiptOk || !LEGAL.has(String(status))) problem(`malformed event answer: ${describeAnswer(t, a)}`);
          return;
        }
        if (a.body.ok !== true || a.body.id !== t.id || !ANSWERED_STATUS[a.action].has(String(details?.status))) {
          problem(`200 with an unexpected body: ${describeAnswer(t, a)}`);
        }
      };

      /** One GET, after every earlier GET of the same instance was answered. */
      const observe = (t: Tracked): Promise<Observation> => {
        const read = t.reads.then(async () => {
          const res = await request(url).get(pathOf(t));
          if (res.status !== 200) {
            problem(`GET ${t.id} → ${res.status} ${JSON.stringify(res.body)}`);
            throw new Error(`GET ${t.id} answered ${res.status}`);
          }
          const seen: Observation = { runNumber: res.body.meta?.runNumber, status: res.body.details?.status };
          const last = t.observations.at(-1);
          if (!LEGAL.has(seen.status)) problem(`${t.id}: illegal status ${JSON.stringify(res.body.details)}`);
          if (!Number.isInteger(seen.runNumber) || (last && seen.runNumber < last.runNumber)) {
            problem(`${t.id}: runNumber went from ${last?.runNumber} to ${seen.runNumber}`);
          }
          t.observations.push(seen);
          return seen;
        });
        t.reads = read.catch(() => undefined);
        return read;
      };

      const settled = (t: Tracked, done: (o: Observation) => boolean, what: string) =>
        eventually(() => observe(t), done, { timeoutMs: SETTLE_MS, intervalMs: 5, what: `${t.kind.label} instance ${t.id} to become ${what}` }).catch((error: Error) => {
          problem(error.message);
          throw new Error(`${error.message}\n${problems.join('\n')}`);
        });

      // ---- history -----------------------------------------------------------------------------

      /** Every step, event and log line of one run, paging each stream to its end. */
      const readRun = async (base: string, t: Tracked, runNumber: number): Promise<RunHistory> => {
        const run: RunHistory = { runNumber, steps: [], events: [], logs: [] };
        const streams = ['steps', 'events', 'logs'] as const;
        const cursors: Partial<Record<(typeof streams)[number], string>> = {};
        const finished = new Set<string>();
        for (let page = 0; finished.size < streams.length; page++) {
          if (page > 50) throw new Error(`history of ${t.id} run ${runNumber} does not end`);
          const query: Record<string, string | number | boolean> = { runNumber, includeLogs: true, pageSize: 100 };
          for (const stream of streams) if (cursors[stream]) query[`${stream}Cursor`] = cursors[stream]!;
          const res = await request(base).get(`${pathOf(t)}/history`).query(query);
          if (res.status !== 200 || res.body.runNumber !== runNumber) {
            problem(`history of ${t.id} run ${runNumber} → ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
            throw new Error(`history of ${t.id} run ${runNumber} answered ${res.status}`);
          }
          for (const stream of streams) {
            if (finished.has(stream)) continue;
            (run[stream] as unknown[]).push(...res.body[stream]);
            if (res.body[`${stream}HasNextPage`]) cursors[stream] = res.body[`${stream}Cursor`];
            else finished.add(stream);
          }
        }
        return run;
      };

      const readRuns = (base: string, t: Tracked, from: number, to: number) =>
        Promise.all(Array.from({ length: to - from + 1 }, (_, i) => readRun(base, t, from + i)));

      /** Once an event was seen delivered, every later read shows it delivered the same way. */
      const noteDeliveries = (t: Tracked, runs: RunHistory[]) => {
        for (const event of runs.flatMap((r) => r.events)) {
          const now = JSON.stringify([event.deliveredAt, event.consumedByStep]);
          const before = t.deliveries.get(event.id);
          if (before !== undefined && before !== now && JSON.parse(before)[1] !== null) {
            problem(`${t.id}: event ${event.id} was delivered as ${before}, later as ${now}`);
          }
          t.deliveries.set(event.id, now);
        }
      };

      // ---- the instances -------------------------------------------------------------------------

      const tracked: Tracked[] = [];
      for (const k of KINDS) {
        for (let i = 1; i <= INSTANCES_PER_KIND; i++) {
          const id = `${k.label}-${i}`;
          const created = await request(url).post(`${BASE}/workflows/${k.workflow}/instances`).send({ id });
          expect(created.status).toBe(201);
          const t: Tracked = { kind: k, id, firstRun: 0, answers: [], observations: [], reads: Promise.resolve(), deliveries: new Map(), readUpTo: 0 };
          t.firstRun = t.readUpTo = (await observe(t)).runNumber;
          tracked.push(t);
        }
      }

      for (let round = 1; round <= ROUNDS; round++) {
        // Back to the state this round is about: restarted (except in the first round) and then
        // running a step, waiting, or complete.
        if (round > 1) await Promise.all(tracked.map((t) => act(t, 'restart', round)));
        await Promise.all(tracked.map((t) => settled(t, (o) => o.status === t.kind.target, t.kind.target)));

        const jobs: (() => Promise<unknown>)[] = [];
        for (const t of tracked) {
          for (const action of ['restart', 'pause', 'terminate', 'resume'] as const) {
            for (let i = 0; i < BURST[action]; i++) jobs.push(() => act(t, action, round));
          }
          for (let i = 0; i < 2; i++) jobs.push(() => act(t, 'event', round, { type: 'go', payload: { round, i } }));
          for (const key of ['a', 'b']) {
            for (let i = 0; i < 2; i++) jobs.push(() => act(t, 'event', round, { type: 'go', id: `r${round}-${key}`, payload: { round, key, i } }));
          }
          // One id sent in every round: stored once for good, answered again ever after.
          jobs.push(() => act(t, 'event', round, { type: 'go', id: 'sticky', payload: { round } }));
          jobs.push(() => act(t, 'event', round, { type: 'note', payload: { round } }));
        }
        // Sequential reads of every instance while the burst is on (a breath between them, so
        // they do not crowd out the burst).
        let bursting = true;
        const watchers = tracked.map(async (t) => {
          while (bursting) {
            await observe(t);
            await delay(10);
          }
        });
        await Promise.all(shuffle(jobs).map((job) => job()));
        bursting = false;
        await Promise.all(watchers);

        // Let the runner finish what the burst left runnable.
        await Promise.all(tracked.map((t) => settled(t, (o) => STABLE.has(o.status), 'stable')));
        // Deliveries so far, from the runs not read before (and the last one read, which may have moved on).
        await Promise.all(
          tracked.map(async (t) => {
            const current = t.observations.at(-1)!.runNumber;
            noteDeliveries(t, await readRuns(url, t, t.readUpTo, current));
            t.readUpTo = current;
          }),
        );
      }

      // The end: everything terminated (or already finished), the runner shut down gracefully
      // (so nothing is still in flight), and the database read back by an API-only process.
      await Promise.all(tracked.map((t) => act(t, 'terminate', ROUNDS + 1)));
      for (const t of tracked) {
        const seen = await observe(t);
        if (!TERMINAL.has(seen.status)) problem(`${t.id}: ${seen.status} right after terminate`);
      }
      liveOpen = false;
      await live.close();
      if (kind === 'postgres') {
        const deadlocks = await deadlocksIn(database);
        if (deadlocks !== 0) problem(`PostgreSQL detected ${deadlocks} deadlock(s) in the test database (the lock order should rule them out)`);
      }
      reader = await createTestApp(kind, { workflows: [busy, waiter, sleeper, quick], database: { url: database.url, poolSize: 20 }, runner: { enabled: false } });
      await reader.app.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${(reader.app.getHttpServer().address() as AddressInfo).port}`;

      for (const t of tracked) {
        const final = await observe(t);
        if (!TERMINAL.has(final.status)) problem(`${t.id}: ends ${final.status}`);
        if (final.status === 'errored') problem(`${t.id}: errored, though none of these workflows fails`);
        const runs = await readRuns(url, t, t.firstRun, final.runNumber);
        noteDeliveries(t, runs);
        checkHistory(t, final, runs, problem);
      }
      checkIdempotentAnswers(tracked, problem);

      const counts: Record<string, number> = {};
      for (const a of tracked.flatMap((t) => t.answers)) counts[`${a.action} ${a.status}`] = (counts[`${a.action} ${a.status}`] ?? 0) + 1;
      // Sanity: the bursts really raced (some of each outcome), not just ran one after the other.
      expect(counts['restart 200']).toBeGreaterThan(0);
      expect(counts['terminate 200']).toBeGreaterThan(0);
      expect(counts['terminate 409']).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      if (liveOpen) await live.close();
      await reader?.close();
      await database.drop();
    }
  }, 120_000);
});

/**
 * The deadlocks PostgreSQL detected (and broke) in this database. Deadlocked transactions are
 * retried, so answers alone would not show them. A backend adds its counts to the statistics by
 * the time it exits, so this waits until the application's connections are gone.
 */
async function deadlocksIn(database: TestDatabase): Promise<number> {
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

function checkHistory(t: Tracked, final: Observation, runs: RunHistory[], problem: (text: string) => void) {
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
    if ((event.deliveredAt === null) !== (event.consumedByStep === null)) problem(`${where}: half-delivered event ${JSON.stringify(event)}`);
    if (event.consumedByStep === null) continue;
    const earlier = consumers.get(event.consumedByStep);
    if (earlier) problem(`${where}: step "${event.consumedByStep}" consumed events ${earlier.id} and ${event.id}`);
    consumers.set(event.consumedByStep, event);
    const step = waits.get(event.consumedByStep);
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
function checkIdempotentAnswers(tracked: Tracked[], problem: (text: string) => void) {
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
