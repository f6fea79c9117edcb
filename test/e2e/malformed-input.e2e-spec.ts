import request from 'supertest';
import { ONE_DATABASE } from '../support/databases';
import { BASE, CASES, type Ctx, demo, EXPECTED_IDS, I, LEAKS, OTHER, PRE, sendCase, snapshot, CODE_STATUS, TARGETS } from '../support/malformed-input-cases';
import { createTestApp } from '../support/test-app';

/**
 * Malformed input on every route of the HTTP API: each case must be refused with a 4xx (never a
 * 500) in the `{ message, code, details? }` error envelope, with the code the case names,
 * nothing internal in the body, and no change to the stored data (checked after the whole table).
 */

test('every case name is unique', () => {
  const names = CASES.map((c) => c.name);
  expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
});

describe.each(ONE_DATABASE)('malformed input on %s', (kind) => {
  let fixture: Awaited<ReturnType<typeof createTestApp>>;
  let before: Awaited<ReturnType<typeof snapshot>>;
  const ctx: Ctx = { cursor: '' };

  beforeAll(async () => {
    fixture = await createTestApp(kind, { workflows: [demo], runner: { enabled: false }, enableRunnerTick: true });
    const { http } = fixture;
    await request(http).post(`${BASE}${I}`).send({ id: PRE, params: { note: 'one' } }).expect(201);
    await request(http).post(`${BASE}${I}`).send({ id: OTHER }).expect(201);
    const targets = await request(http)
      .post(`${BASE}${I}/batch`)
      .send({ instances: TARGETS.map((id) => ({ id })) })
      .expect(201);
    expect(targets.body.instances).toHaveLength(TARGETS.length);
    const page = await request(http).get(`${BASE}${I}?pageSize=1`).expect(200);
    expect(page.body.hasNextPage).toBe(true);
    ctx.cursor = page.body.cursor;
    // The real cursor works where it was issued, so its rejection elsewhere is about the query.
    const next = await request(http).get(`${BASE}${I}?pageSize=1&cursor=${ctx.cursor}`).expect(200);
    expect(next.body.instances).toHaveLength(1);
    before = await snapshot(http);
    expect(before.list.instances.map((i) => i.id).sort()).toEqual(EXPECTED_IDS);
    for (const id of EXPECTED_IDS) expect((before.instances[id] as { instance: { details: unknown } }).instance.details).toEqual({ status: 'queued' });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  test.each(CASES)('$name', async (c) => {
    const res = await sendCase(fixture.http, c, ctx);
    const where = `${c.method.toUpperCase()} ${c.path}${c.query ? ' ?…' : ''} → ${res.status} ${res.text.slice(0, 400)}`;

    // 4xx, never a 500 (nor a 2xx: the request must be refused).
    expect({ where, clientError: res.status >= 400 && res.status < 500 }).toEqual({ where, clientError: true });

    // A JSON object with exactly string message, string code and an optional object details.
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(typeof body).toBe('object');
    expect(Array.isArray(body)).toBe(false);
    expect(Object.keys(body).filter((k) => !['message', 'code', 'details'].includes(k))).toEqual([]);
    expect(typeof body.message).toBe('string');
    expect((body.message as string).length).toBeGreaterThan(0);
    expect(typeof body.code).toBe('string');
    if ('details' in body) {
      expect(typeof body.details).toBe('object');
      expect(body.details).not.toBeNull();
      expect(Array.isArray(body.details)).toBe(false);
    }

    // Nothing internal.
    for (const leak of LEAKS) expect({ where, leak: leak.source, leaked: leak.test(res.text) }).toEqual({ where, leak: leak.source, leaked: false });

    // One of the API's codes, with the status that code has, and the specific one where the case names it.
    expect(Object.keys(CODE_STATUS)).toContain(body.code);
    expect({ code: body.code, status: res.status }).toEqual({ code: body.code, status: CODE_STATUS[body.code as string] });
    if (c.code !== null) {
      const allowed = Array.isArray(c.code) ? c.code : [c.code];
      expect({ where, code: body.code }).toEqual({ where, code: allowed.includes(body.code as string) ? body.code : allowed.join(' or ') });
    }

    if (c.issues) {
      const issues = (body.details as { issues?: unknown } | undefined)?.issues;
      expect(Array.isArray(issues)).toBe(true);
      expect((issues as unknown[]).length).toBeGreaterThan(0);
      for (const issue of issues as unknown[]) expect(typeof issue).toBe('string');
    }
    if (c.mentions) expect(`${body.message} ${JSON.stringify(body.details ?? {})}`).toContain(c.mentions);
  });

  test('after the whole table nothing was created or changed', async () => {
    const after = await snapshot(fixture.http);
    const ids = after.list.instances.map((i) => i.id);
    const summary = {
      createdByMistake: ids.filter((id) => !EXPECTED_IDS.includes(id)).sort(),
      missing: EXPECTED_IDS.filter((id) => !ids.includes(id)),
      changed: EXPECTED_IDS.filter((id) => JSON.stringify(after.instances[id]) !== JSON.stringify(before.instances[id])),
    };
    expect(summary).toEqual({ createdByMistake: [], missing: [], changed: [] });
    expect(after.list.hasNextPage).toBe(false);
    expect(after).toEqual(before);
  });
});
