/**
 * Races over HTTP: bursts of concurrent restart, pause, terminate, resume and events (with and
 * without idempotent ids) on the same instances, while the in-process runner (short poll) advances
 * them. The instances are running a step, waiting (for events, or asleep) or finished when a burst
 * starts; each round brings them back to that state first.
 *
 * Nothing here depends on timing: only invariants are asserted.
 * - Every response is one the status table allows for its action (restart always 200; pause, resume,
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
import request from 'supertest';
import { delay, eventually } from '../support/async';
import {
  type Action,
  type Answer,
  ANSWERED_STATUS,
  BASE,
  BURST,
  busy,
  checkHistory,
  checkIdempotentAnswers,
  deadlocksIn,
  INSTANCES_PER_KIND,
  KINDS,
  LEGAL,
  type Observation,
  quick,
  type Receipt,
  ROUNDS,
  type RunHistory,
  type SentEvent,
  SETTLE_MS,
  shuffle,
  sleeper,
  STABLE,
  TERMINAL,
  type Tracked,
  waiter,
} from '../support/action-races';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { createTestApp } from '../support/test-app';

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
          const query: Record<string, string | number | boolean> = { runNumber, includeLogs: true, pageSize: 100, order: 'asc' };
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
          const now = JSON.stringify([event.deliveredAt, event.consumedByStepKey]);
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
