import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWf, startWf } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { type ServerProcess, startServer } from '../support/server-process';
import { eventually } from '../support/async';

const TOKEN = 'cli-test-token';

/** A loopback port nothing listens on: one just given back by the system. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The real `wf` binary against a real server (SQLite): every command in table and --json mode,
 * paging, following logs, waiting, and the error paths. The CLI talks HTTP only.
 */
describe('wf, the CLI', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let guarded: ServerProcess;
  let guardedDatabase: TestDatabase;
  let env: Record<string, string>;
  const file = (name: string, text: string) => {
    const path = join(tmpdir(), `wf-cli-${process.pid}-${name}`);
    writeFileSync(path, text);
    return path;
  };
  const wf = (...args: string[]) => runWf(args, env);
  const json = async (...args: string[]) => {
    const result = await wf('--json', ...args);
    expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the server JSON, asserted field by field
  const api = async (path: string): Promise<any> => (await fetch(`${server.baseUrl}${path}`)).json();

  beforeAll(async () => {
    [database, guardedDatabase] = await Promise.all([createTestDatabase('sqlite'), createTestDatabase('sqlite')]);
    // Both awaited even when one fails, so afterAll stops the one that did start.
    const started = await Promise.allSettled([
      startServer({ DATABASE_URL: database.url, RUNNER_POLL_INTERVAL_MS: '200' }),
      startServer({ DATABASE_URL: guardedDatabase.url, AUTH_TOKEN: TOKEN, RUNNER_ENABLED: 'false', ENABLE_RUNNER_TICK: 'true' }),
    ]);
    [server, guarded] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined)) as ServerProcess[];
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    env = { WF_BASE_URL: server.baseUrl };
  }, 60_000);

  afterAll(async () => {
    for (const s of [server, guarded]) s?.process.kill('SIGKILL');
    await Promise.all([server?.exited, guarded?.exited]);
    await Promise.all([database?.drop(), guardedDatabase?.drop()]);
  });

  it('workflows list: a table of names, and the server JSON with --json', async () => {
    const table = await wf('workflows', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+DESCRIPTION$/);
    expect(table.stdout).toMatch(/^chatty\b/m);
    expect(await json('workflows', 'list')).toEqual(await api('/workflows'));
  });

  it('instances create (params inline, from a file, generated id) and get (table, --full, --json)', async () => {
    const created = await wf('instances', 'create', '-w', 'slow', '-i', 'cli-1', '--params', '{"workMs":0}');
    expect([created.code, created.stdout.trim()]).toEqual([0, 'Created cli-1 (queued)']);
    const fromFile = await json('instances', 'create', '-w', 'slow', '-i', 'cli-2', '--params-file', file('params.json', '{"workMs":1}'));
    expect(fromFile).toEqual({ id: 'cli-2', details: { status: 'queued' } });
    const generated = await json('instances', 'create', '-w', 'slow');
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);

    await eventually(async () => (await api('/workflows/slow/instances/cli-1')).details.status === 'complete', { timeoutMs: 10_000, what: 'cli-1 to complete' });
    const got = await wf('instances', 'get', '-w', 'slow', '-i', 'cli-1');
    expect(got.stdout).toMatch(/^status\s+complete$/m);
    expect(got.stdout).toMatch(/^output\s+"worked"$/m);
    expect(got.stdout).not.toMatch(/^params/m);
    expect((await wf('instances', 'get', '-w', 'slow', '-i', 'cli-1', '--full')).stdout).toMatch(/^params\s+\{"workMs":0\}$/m);
    expect(await json('instances', 'get', '-w', 'slow', '-i', 'cli-1')).toEqual(await api('/workflows/slow/instances/cli-1'));
  });

  it('instances list: one page with the next cursor, --all walks every page, --json', async () => {
    for (let i = 0; i < 7; i++) expect((await wf('instances', 'create', '-w', 'chatty', '-i', `page-${i}`, '--params', '{"lines":1,"everyMs":0}')).code).toBe(0);
    const first = await wf('instances', 'list', '-w', 'chatty', '--page-size', '2');
    expect(first.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+CREATED\s+UPDATED$/);
    const cursor = /Next page: --cursor (\S+)/.exec(first.stdout)?.[1];
    expect(cursor).toBeDefined();
    const second = await json('instances', 'list', '-w', 'chatty', '--page-size', '2', '--cursor', cursor!);
    expect(second.instances).toHaveLength(2);

    const all = await json('instances', 'list', '-w', 'chatty', '--page-size', '2', '--all');
    const ids = all.map((i: { id: string }) => i.id);
    expect(ids.filter((id: string) => id.startsWith('page-')).sort()).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
    expect(new Set(ids).size).toBe(ids.length);
    const table = await wf('instances', 'list', '-w', 'chatty', '--page-size', '2', '--all');
    expect(table.stdout.split('\n').filter((line) => line.startsWith('page-'))).toHaveLength(7);
    expect(table.stdout).not.toContain('Next page');
  });

  it('instances create-batch: a JSON array or NDJSON, sent 100 at a time; ids that exist are skipped', async () => {
    const items = Array.from({ length: 150 }, (_, i) => ({ id: `batch-${i}`, params: { lines: 1, everyMs: 0 } }));
    const result = await wf('instances', 'create-batch', '-w', 'chatty', '--file', file('batch.json', JSON.stringify(items)));
    expect([result.code, result.stdout.trim()]).toEqual([0, 'Created 150 of 150 instance(s)']);
    const ndjson = ['{"id":"batch-0"}', '{"id":"nd-1"}', '', '{"id":"nd-2","params":{"lines":1,"everyMs":0}}'].join('\n');
    const again = await json('instances', 'create-batch', '-w', 'chatty', '--file', file('batch.ndjson', ndjson));
    expect(again.instances.map((i: { id: string }) => i.id)).toEqual(['nd-1', 'nd-2']);
  });

  it('history and logs: tables and --json', async () => {
    await wf('instances', 'create', '-w', 'chatty', '-i', 'hist', '--params', '{"lines":2,"everyMs":0}');
    await eventually(async () => (await api('/workflows/chatty/instances/hist')).details.status === 'complete', { timeoutMs: 10_000, what: 'hist to complete' });
    const history = await wf('instances', 'history', '-w', 'chatty', '-i', 'hist', '--include-logs', '--order', 'asc');
    expect(history.stdout).toMatch(/^Steps$/m);
    expect(history.stdout).toMatch(/^line-1\s+do\s+completed\s+1\s/m);
    expect(history.stdout).toMatch(/\[workflow\] line-1#1 line 1 of run \d+/);
    expect(await json('instances', 'history', '-w', 'chatty', '-i', 'hist', '--include-logs')).toEqual(await api('/workflows/chatty/instances/hist/history?includeLogs=true'));
    const logs = await wf('instances', 'logs', '-w', 'chatty', '-i', 'hist', '--order', 'asc', '--log-category', 'workflow');
    expect(logs.stdout.trim().split('\n').map((line) => line.replace(/^\S+ /, ''))).toEqual(['info  [workflow] line-1#1 line 1 of run 1', 'info  [workflow] line-2#1 line 2 of run 1'].map((line) => line.replace('run 1', `run ${logs.stdout.match(/of run (\d+)/)![1]}`)));
    const logJson = await json('instances', 'logs', '-w', 'chatty', '-i', 'hist', '--log-category', 'workflow');
    expect(logJson).toEqual((await api('/workflows/chatty/instances/hist/history?includeLogs=true&logCategory=workflow')).logs);
  });

  it('pause, resume, restart, terminate and send-event, in both modes', async () => {
    await wf('instances', 'create', '-w', 'waiter', '-i', 'acts');
    await eventually(async () => (await api('/workflows/waiter/instances/acts')).details.status === 'waiting', { timeoutMs: 10_000, what: 'acts to wait' });
    expect((await wf('instances', 'pause', '-w', 'waiter', '-i', 'acts')).stdout.trim()).toBe('acts: paused');
    expect(await json('instances', 'resume', '-w', 'waiter', '-i', 'acts')).toEqual({ ok: true, id: 'acts', details: { status: 'queued' } });
    const first = await json('instances', 'send-event', '-w', 'waiter', '-i', 'acts', '-t', 'other', '--event-id', 'ev-1', '--payload', '{"n":1}');
    const again = await wf('instances', 'send-event', '-w', 'waiter', '-i', 'acts', '-t', 'other', '--event-id', 'ev-1');
    expect(again.stdout.trim()).toMatch(new RegExp(`^Event ev-1 \\(other\\) stored; acts is \\w+$`));
    expect(first.event.id).toBe('ev-1');
    expect((await wf('instances', 'restart', '-w', 'waiter', '-i', 'acts')).stdout.trim()).toBe('acts: queued');
    expect((await wf('instances', 'terminate', '-w', 'waiter', '-i', 'acts')).stdout.trim()).toBe('acts: terminated');
  });

  it('instances delete: a finished one (table), a live one refused, then --force (--json)', async () => {
    await wf('instances', 'create', '-w', 'slow', '-i', 'del-done', '--params', '{"workMs":0}');
    await wf('instances', 'wait', '-w', 'slow', '-i', 'del-done');
    const deleted = await wf('instances', 'delete', '-w', 'slow', '-i', 'del-done');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^ID\s+WORKFLOW\s+DELETED$/), expect.stringMatching(/^del-done\s+slow\s+true$/)]);
    expect((await api('/workflows/slow/instances/del-done')).code).toBe('INSTANCE_NOT_FOUND');

    await wf('instances', 'create', '-w', 'waiter', '-i', 'del-live');
    const refused = await wf('instances', 'delete', '-w', 'waiter', '-i', 'del-live');
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/^Error INSTANCE_NOT_TERMINAL: Cannot delete instance "del-live": it is \w+/)]);
    expect(await json('instances', 'delete', '-w', 'waiter', '-i', 'del-live', '--force')).toEqual({ ok: true, id: 'del-live', deleted: true });
    expect((await wf('instances', 'delete', '-w', 'waiter', '-i', 'del-live')).stderr).toMatch(/^Error INSTANCE_NOT_FOUND: /);
  });

  it('wait: 0 when complete, 3 when errored or terminated, 4 when --max-wait passes first', async () => {
    await wf('instances', 'create', '-w', 'slow', '-i', 'wait-ok', '--params', '{"workMs":300}');
    const ok = await wf('instances', 'wait', '-w', 'slow', '-i', 'wait-ok', '--max-wait', '30s');
    expect([ok.code, ok.stdout.trim()]).toEqual([0, 'wait-ok: complete']);
    await wf('instances', 'create', '-w', 'unprintable', '-i', 'wait-bad');
    const bad = await wf('instances', 'wait', '-w', 'unprintable', '-i', 'wait-bad', '--max-wait', '30s');
    expect([bad.code, bad.stdout.trim()]).toEqual([3, 'wait-bad: errored (Error: [unprintable value])']);
    await wf('instances', 'create', '-w', 'waiter', '-i', 'wait-long');
    const startedAt = Date.now();
    const late = await wf('instances', 'wait', '-w', 'waiter', '-i', 'wait-long', '--max-wait', '1s', '--interval', '100');
    expect(late.code).toBe(4);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect((await json('instances', 'wait', '-w', 'slow', '-i', 'wait-ok')).details.status).toBe('complete');
  });

  it('logs --follow prints each line once, in order, across a restart, and ends when the instance ends', async () => {
    await wf('instances', 'create', '-w', 'chatty', '-i', 'follow', '--params', '{"lines":6,"everyMs":500}');
    const follow = startWf(['instances', 'logs', '-w', 'chatty', '-i', 'follow', '--follow', '--follow-interval', '100', '--log-category', 'workflow'], env);
    await eventually(async () => follow.stdout().includes('line 2 of run'), { timeoutMs: 15_000, what: 'two lines of the first run' });
    // Restarted over HTTP, not with another `wf` process: on a loaded machine starting one can take
    // longer than the rest of the first run, which would then end before the restart.
    const restart = await fetch(`${server.baseUrl}/workflows/chatty/instances/follow/restart`, { method: 'POST' });
    expect(restart.status).toBe(200);
    expect(await follow.exited).toBe(0);
    const lines = follow.stdout().trim().split('\n');
    const separator = lines.findIndex((line) => line.startsWith('--- run '));
    expect(separator).toBeGreaterThan(1);
    const firstRun = lines.slice(0, separator);
    const secondRun = lines.slice(separator + 1);
    // The first run was cut short by the restart; every line it wrote is printed once, in order.
    const number = (line: string) => Number(/line (\d+) of/.exec(line)![1]);
    expect(firstRun.map(number)).toEqual(firstRun.map((_, i) => i + 1));
    expect(secondRun.map(number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(secondRun.map((line) => /of run (\d+)/.exec(line)![1])).size).toBe(1);
  }, 60_000);

  it('errors: the server code and message, exit 1; a bad argument prints usage, exit 2; an unreachable server names the URL', async () => {
    const unknown = await wf('instances', 'get', '-w', 'nope', '-i', 'x');
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, 'Error WORKFLOW_NOT_FOUND: Workflow "nope" is not registered']);
    await wf('instances', 'create', '-w', 'slow', '-i', 'done', '--params', '{"workMs":0}');
    await wf('instances', 'wait', '-w', 'slow', '-i', 'done');
    const terminal = await wf('instances', 'pause', '-w', 'slow', '-i', 'done');
    expect([terminal.code, terminal.stderr]).toEqual([1, expect.stringMatching(/^Error INSTANCE_TERMINAL: /)]);
    const invalid = await wf('instances', 'create', '-w', 'slow', '-i', 'bad id');
    expect(invalid.stderr).toMatch(/^Error INVALID_INSTANCE_ID: /);
    const badJson = await wf('instances', 'create', '-w', 'slow', '--params', '{nope');
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^Error: --params is not valid JSON/);
    expect(badJson.stderr).toContain('Usage: wf instances create');
    const missing = await wf('instances', 'get', '-w', 'slow');
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("required option '-i, --id <id>' not specified")]);
    const closed = await closedPort();
    const unreachable = await runWf(['workflows', 'list', '--retries', '0'], { WF_BASE_URL: `http://127.0.0.1:${closed}/api/workflows` });
    expect([unreachable.code, unreachable.stderr.trim()]).toEqual([1, expect.stringMatching(/^Error: Cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/workflows\/workflows: ECONNREFUSED$/)]);
    const noBase = await runWf(['workflows', 'list']);
    expect([noBase.code, noBase.stderr]).toEqual([2, expect.stringMatching(/--base-url or WF_BASE_URL/)]);
    // Path segments are encoded: a slash in a name reaches the server as part of the name.
    expect((await wf('instances', 'get', '-w', 'a/b', '-i', 'x')).stderr).toMatch(/^Error WORKFLOW_NOT_FOUND: Workflow "a\/b"/);
  });

  it('a server with AUTH_TOKEN: 401 without the header; -H and WF_HEADERS send it, -H replacing by name', async () => {
    const base = { WF_BASE_URL: guarded.baseUrl };
    const denied = await runWf(['workflows', 'list'], base);
    expect([denied.code, denied.stderr.trim()]).toEqual([1, 'Error UNAUTHORIZED: A valid "Authorization: Bearer <token>" header is required']);
    expect((await runWf(['workflows', 'list', '-H', `Authorization: Bearer ${TOKEN}`], base)).code).toBe(0);
    expect((await runWf(['workflows', 'list'], { ...base, WF_HEADERS: `X-Other: 1; Authorization: Bearer ${TOKEN}` })).code).toBe(0);
    const replaced = await runWf(['workflows', 'list', '-H', 'authorization: Bearer wrong'], { ...base, WF_HEADERS: `Authorization: Bearer ${TOKEN}` });
    expect(replaced.code).toBe(1);
    const tick = await runWf(['runner', 'tick', '--max-instances', '5', '-H', `Authorization: Bearer ${TOKEN}`], base);
    expect([tick.code, tick.stdout.trim()]).toEqual([0, 'Processed 0 instance(s); nothing scheduled']);
    const tickJson = await runWf(['--json', 'runner', 'tick', '-H', `Authorization: Bearer ${TOKEN}`], base);
    expect(JSON.parse(tickJson.stdout)).toEqual({ processed: 0 });
  });

  it('--version, and --help with an example on every command', async () => {
    const version = await runWf(['--version']);
    expect([version.code, version.stdout.trim()]).toEqual([0, expect.stringMatching(/^\d+\.\d+\.\d+/)]);
    const help = await runWf(['--help']);
    expect(help.stdout).toContain('Exit codes:');
    const commands = [
      ['workflows', 'list'],
      ...['list', 'get', 'create', 'create-batch', 'history', 'logs', 'wait', 'pause', 'resume', 'restart', 'terminate', 'delete', 'send-event'].map((c) => ['instances', c]),
      ['runner', 'tick'],
    ];
    for (const command of commands) {
      const result = await runWf([...command, '--help']);
      expect({ command, code: result.code, example: /Examples?:\n {2}wf /.test(result.stdout) }).toEqual({ command, code: 0, example: true });
    }
  }, 60_000);
});
