/**
 * Instance list pagination over the HTTP API,
 * through supertest, on a real SQLite file and a real PostgreSQL database. Nothing runs in the
 * background: every test drives execution itself with `POST /_runner/tick`.
 */
import { delay } from '../../support/async';
import { rescoped, tamper } from '../../support/cursors';
import { TEST_DATABASES } from '../../support/databases';
import { BASE, expectError, mainApp, type MainApp } from '../../support/http';

describe.each(TEST_DATABASES)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: MainApp['http'];
    let client: MainApp['client'];
    const { create } = mainApp(kind, (app) => ({ http, client } = app));

    // ---- 3. pagination ------------------------------------------------------------------------

    describe('instance list pagination', () => {
      it('pages newest first with no duplicates or gaps while instances are created between pages', async () => {
        const ids = Array.from({ length: 7 }, (_, i) => `page-${i}`);
        for (const id of ids) {
          expect((await create('pager', { id })).status).toBe(201);
          await delay(2);
        }
        const list = (query: Record<string, string | number>) => http.get(`${BASE}/workflows/pager/instances`).query(query);

        const page1 = await list({ pageSize: 3 });
        expect(page1.status).toBe(200);
        expect(page1.body.hasNextPage).toBe(true);
        expect(typeof page1.body.cursor).toBe('string');
        expect(page1.body.instances.map((i: { id: string }) => i.id)).toEqual(['page-6', 'page-5', 'page-4']);

        // Newer instances arrive meanwhile; "zz" ids sort after the others, so even with an equal
        // created-at millisecond they could only show up before the cursor.
        await delay(2);
        await create('pager', { id: 'zz-new-1' });
        await create('pager', { id: 'zz-new-2' });

        const page2 = await list({ pageSize: 3, cursor: page1.body.cursor });
        expect(page2.status).toBe(200);
        expect(page2.body.instances.map((i: { id: string }) => i.id)).toEqual(['page-3', 'page-2', 'page-1']);
        expect(page2.body.hasNextPage).toBe(true);

        await create('pager', { id: 'zz-new-3' });
        const page3 = await list({ pageSize: 3, cursor: page2.body.cursor });
        expect(page3.body.instances.map((i: { id: string }) => i.id)).toEqual(['page-0']);
        expect(page3.body.hasNextPage).toBe(false);
        expect(page3.body).not.toHaveProperty('cursor');

        const seen = [...page1.body.instances, ...page2.body.instances, ...page3.body.instances].map((i: { id: string }) => i.id);
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort()).toEqual([...ids].sort());

        // From the top again, the new ones come first.
        const fresh = await list({ pageSize: 3 });
        expect(fresh.body.instances.map((i: { id: string }) => i.id)).toEqual(['zz-new-3', 'zz-new-2', 'zz-new-1']);

        // A page size of exactly the rest leaves no next page.
        const all = await list({ pageSize: 10 });
        expect(all.body.instances).toHaveLength(10);
        expect(all.body.hasNextPage).toBe(false);
      });

      it('pages through instances created in one batch (equal timestamps) without duplicates or gaps', async () => {
        const ids = Array.from({ length: 9 }, (_, i) => `tie-${i}`);
        const res = await http.post(`${BASE}/workflows/pager/instances/batch`).send({ instances: ids.map((id) => ({ id })) });
        expect(res.status).toBe(201);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let n = 0; n < 20; n++) {
          const page = await http.get(`${BASE}/workflows/pager/instances`).query({ pageSize: 2, ...(cursor ? { cursor } : {}) });
          expect(page.status).toBe(200);
          seen.push(...page.body.instances.map((i: { id: string }) => i.id));
          cursor = page.body.cursor;
          expect(Boolean(cursor)).toBe(page.body.hasNextPage);
          if (!page.body.hasNextPage) break;
        }
        expect(new Set(seen).size).toBe(seen.length);
        const all = (await http.get(`${BASE}/workflows/pager/instances`).query({ pageSize: 100 })).body.instances.map((i: { id: string }) => i.id);
        expect(seen).toEqual(all);
        for (const id of ids) expect(seen).toContain(id);
      });

      it('accepts a batch of exactly 100, pages 25 by default, and a cursor alone pages on with its own page size', async () => {
        const instances = Array.from({ length: 100 }, (_, i) => ({ id: `hundred-${i}` }));
        const res = await http.post(`${BASE}/workflows/three/instances/batch`).send({ instances });
        expect(res.status).toBe(201);
        expect(res.body.instances).toHaveLength(100);
        const page = await http.get(`${BASE}/workflows/three/instances`);
        expect(page.body.instances).toHaveLength(25);
        expect(page.body.hasNextPage).toBe(true);
        expect(typeof page.body.cursor).toBe('string');
        const max = await http.get(`${BASE}/workflows/three/instances`).query({ pageSize: 100 });
        expect(max.body.instances).toHaveLength(100);
        // The cursor carries its page size: without pageSize the next page is as long as the last, not 25; pageSize changes it.
        const ids = (body: { instances: { id: string }[] }) => body.instances.map((i) => i.id);
        const small = await http.get(`${BASE}/workflows/three/instances`).query({ pageSize: 10 });
        const next = await http.get(`${BASE}/workflows/three/instances`).query({ cursor: small.body.cursor });
        expect(next.status).toBe(200);
        expect(ids(next.body)).toEqual(ids(max.body).slice(10, 20));
        const afterNext = await http.get(`${BASE}/workflows/three/instances`).query({ cursor: next.body.cursor });
        expect(ids(afterNext.body)).toEqual(ids(max.body).slice(20, 30));
        const wider = await http.get(`${BASE}/workflows/three/instances`).query({ cursor: small.body.cursor, pageSize: 30 });
        expect(ids(wider.body)).toEqual(ids(max.body).slice(10, 40));
        const continued = await http.get(`${BASE}/workflows/three/instances`).query({ cursor: page.body.cursor });
        expect(ids(continued.body)).toEqual(ids(max.body).slice(25, 50));
        // Leave nothing due for the other tests' ticks.
        for (const { id } of instances) await client.terminate('three', id);
      });

      it('pages a status-filtered listing with its own cursor', async () => {
        for (const id of ['sf-0', 'sf-1', 'sf-2']) {
          await create('pager', { id });
          await http.post(`${BASE}/workflows/pager/instances/${id}/pause`).expect(200);
          await delay(2);
        }
        const page1 = await http.get(`${BASE}/workflows/pager/instances`).query({ status: 'paused', pageSize: 2 });
        expect(page1.body.instances.map((i: { id: string }) => i.id)).toEqual(['sf-2', 'sf-1']);
        const page2 = await http.get(`${BASE}/workflows/pager/instances`).query({ status: 'paused', pageSize: 2, cursor: page1.body.cursor });
        expect(page2.body).toEqual({ instances: [expect.objectContaining({ id: 'sf-0', details: { status: 'paused' } })], hasNextPage: false });
      });

      it('INVALID_CURSOR for garbage, tampered cursors and cursors of another query', async () => {
        const first = await http.get(`${BASE}/workflows/pager/instances`).query({ pageSize: 1 });
        const cursor: string = first.body.cursor;
        expect(typeof cursor).toBe('string');
        const list = (query: Record<string, string | number>) => http.get(`${BASE}/workflows/pager/instances`).query(query);

        // Sanity: the genuine cursor works.
        expect((await list({ pageSize: 1, cursor })).status).toBe(200);

        expectError(await list({ cursor: 'garbage' }), 400, 'INVALID_CURSOR');
        expectError(await list({ cursor: 'a.b.c' }), 400, 'INVALID_CURSOR');
        expectError(await list({ cursor: tamper(cursor) }), 400, 'INVALID_CURSOR');
        expectError(await list({ cursor: `${cursor}x` }), 400, 'INVALID_CURSOR');
        // Re-labelled for another query but signed for this one: the signature no longer matches.
        expectError(await list({ cursor: rescoped(cursor, (s) => s.replace(':*', ':paused')) }), 400, 'INVALID_CURSOR');
        // Another status filter.
        expectError(await list({ status: 'paused', cursor }), 400, 'INVALID_CURSOR');
        // Another workflow.
        const other = await http.get(`${BASE}/workflows/quick/instances`).query({ cursor });
        expectError(other, 400, 'INVALID_CURSOR');
        // A cursor of a filtered listing on the unfiltered one.
        const filtered = await list({ status: 'paused', pageSize: 1 });
        expect(typeof filtered.body.cursor).toBe('string');
        expectError(await list({ cursor: filtered.body.cursor }), 400, 'INVALID_CURSOR');
      });
    });
  });
});
