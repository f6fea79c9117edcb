import { defineWorkflow } from '../../src/engine';
import { CursorCodec } from '../../src/engine/cursors';
import { createEngine } from '../../src/engine/create-engine';
import { listCursorScope } from '../../src/engine/queries/instance-queries';
import { TEST_DATABASES } from '../support/databases';
import { createTestEngine } from '../support/test-engine';

const steps = defineWorkflow({ name: 'steps' }, async (_event, step) => {
  for (let i = 0; i < 3; i++) await step.do(`s${i}`, async () => i);
});

describe.each(TEST_DATABASES)('cursors on %s', (kind) => {
  /** The key the engine generated and keeps in the database, as someone who read it would use it. */
  async function storedSecret(t: Awaited<ReturnType<typeof createTestEngine>>): Promise<string> {
    const [row] = await t.store.connection.statement().rows<{ value: string }>(`SELECT value FROM workflow_setting WHERE name = 'cursor-secret'`);
    return row.value;
  }

  it('with no secret configured, a random key is made once and kept in the database for every engine on it', async () => {
    const t = await createTestEngine(kind, [steps]);
    for (let i = 0; i < 3; i++) await t.client.create('steps', { id: `i${i}` });
    const page = await t.client.list('steps', { pageSize: 1 });
    const secret = await storedSecret(t);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Another engine (another replica) on the same database accepts the cursor.
    const replica = createEngine({ store: t.store, workflows: [steps], clock: t.clock });
    expect((await replica.client.list('steps', { pageSize: 1, cursor: page.cursor })).instances).toHaveLength(1);
    expect(await storedSecret(t)).toBe(secret);
  });

  it('a cursor signed with the right key but carrying a position of the wrong shape is INVALID_CURSOR, never a fault', async () => {
    const t = await createTestEngine(kind, [steps]);
    await t.client.create('steps', { id: 'one' });
    await t.client.create('steps', { id: 'two' });
    await t.runUntilIdle();
    await t.client.list('steps', { pageSize: 1 });
    const forge = new CursorCodec(await storedSecret(t));
    const listScope = listCursorScope('steps');
    for (const position of [
      { createdAt: 'x', instanceId: { a: 1 } },
      { createdAt: 1.5, instanceId: 'a' },
      { createdAt: 1 },
      'text',
      null,
      [1, 2],
      { createdAt: 1, instanceId: 'a', extra: 1 },
      { createdAt: 9e15, instanceId: 'a' },
      { createdAt: 1, instanceId: 'nul\u0000id' },
    ]) {
      await expect(t.client.list('steps', { cursor: forge.encode(listScope, { position, pageSize: 1, order: 'desc' }) })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    }
    const history = await t.client.history('steps', 'one', { pageSize: 1 });
    expect(history.stepsCursor).toBeDefined();
    const [body] = history.stepsCursor!.split('.');
    const { s: streamScope } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    for (const position of [{ a: 1 }, 'x', -1, 1.5, 2 ** 40, 2 ** 60]) {
      await expect(t.client.history('steps', 'one', { pageSize: 1, stepsCursor: forge.encode(streamScope, { position, pageSize: 1, order: 'desc' }) })).rejects.toMatchObject({
        code: 'INVALID_CURSOR',
      });
    }
    // The genuine cursor still works.
    expect((await t.client.history('steps', 'one', { pageSize: 1, stepsCursor: history.stepsCursor })).steps).toHaveLength(1);
  });

  it('a configured secret is used instead of the stored one', async () => {
    const t = await createTestEngine(kind, [steps], { cursorSecret: 'a-configured-secret-0123' });
    for (let i = 0; i < 2; i++) await t.client.create('steps', { id: `c${i}` });
    const { cursor } = await t.client.list('steps', { pageSize: 1 });
    const expected = new CursorCodec('a-configured-secret-0123').decode(listCursorScope('steps'), cursor!, (_p): _p is unknown => true);
    expect(expected).toMatchObject({ position: { instanceId: 'c1' }, pageSize: 1, order: 'desc' });
  });
});
