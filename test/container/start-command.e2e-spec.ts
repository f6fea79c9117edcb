/**
 * The container image's start command, checked without Docker: the package as the Dockerfile's
 * last stage holds it (package.json, the lockfile, dist, and node_modules pruned to production
 * dependencies, as its build stage prunes them) is started with `node dist/src/main.js` in a
 * directory of its own, on SQLite, with a workflow mounted through WORKFLOWS_PATH, and its probes
 * (the HEALTHCHECK's /health/live, compose's /health/ready) answer 200; the Dockerfile's own
 * HEALTHCHECK command, run as Docker runs it, exits 0.
 *
 * node_modules is copied as hard links (a copy in seconds, not a minute), its lockfile as a real
 * file: pruning unlinks files and rewrites that one, so the shared tree is never changed.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE_WORKFLOWS, type ServerProcess, startServer } from '../support/server-process';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The Dockerfile's HEALTHCHECK command, as the exec-form array it gives. */
function healthcheckCommand(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '');
  const line = dockerfile.split('\n').find((text) => text.startsWith('HEALTHCHECK'));
  return JSON.parse(line!.slice(line!.indexOf('CMD') + 'CMD'.length)) as string[];
}

/** `cp -al` (hard links) where the temp directory shares the file system, a real copy elsewhere. */
async function copyTree(from: string, to: string): Promise<void> {
  try {
    await run('cp', ['-al', from, to]);
  } catch {
    rmSync(to, { recursive: true, force: true });
    await run('cp', ['-a', from, to]);
  }
}

describe('the container start command, outside Docker', () => {
  const image = mkdtempSync(join(tmpdir(), 'wf-image-'));
  let server: ServerProcess | undefined;

  afterAll(async () => {
    if (server && server.process.exitCode === null) {
      server.process.kill('SIGTERM');
      await server.exited;
    }
    rmSync(image, { recursive: true, force: true });
  }, 30_000);

  it('starts from a production-only install and answers /health/live and /health/ready', async () => {
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(image, file));
    cpSync(join(ROOT, 'dist'), join(image, 'dist'), { recursive: true });
    const modules = realpathSync(join(ROOT, 'node_modules'));
    await copyTree(modules, join(image, 'node_modules'));
    rmSync(join(image, 'node_modules', '.package-lock.json'), { force: true });
    cpSync(join(modules, '.package-lock.json'), join(image, 'node_modules', '.package-lock.json'));
    await run('npm', ['prune', '--omit=dev', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], { cwd: image });
    // What the build stage's prune leaves out is not there: the start command cannot lean on it.
    expect(() => realpathSync(join(image, 'node_modules', '@nestjs', 'cli'))).toThrow();

    server = await startServer(
      { NODE_ENV: 'production', DATABASE_URL: `sqlite:${join(image, 'data', 'workflows.sqlite')}`, WORKFLOWS_PATH: FIXTURE_WORKFLOWS, EXAMPLES: 'true' },
      image,
    );
    const root = new URL(server.baseUrl).origin;
    const live = await fetch(`${root}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${root}/health/ready`);
    expect([ready.status, ((await ready.json()) as { status: string }).status]).toEqual([200, 'ok']);
    const [command, ...args] = healthcheckCommand();
    expect(command).toBe('node');
    await expect(run(process.execPath, args, { env: { ...process.env, PORT: new URL(root).port } })).resolves.toBeDefined();
    const names = ((await (await fetch(`${server.baseUrl}/workflows`)).json()) as { workflows: { name: string }[] }).workflows.map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(['approval', 'side-effects']));
  }, 120_000);
});
