import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './async';

const ROOT = join(__dirname, '..', '..');
const mainOf = (root: string) => join(root, 'dist', 'src', 'main.js');
export const FIXTURE_WORKFLOWS = join(ROOT, 'test', 'fixtures', 'workflows');

export interface ServerProcess {
  process: ChildProcess;
  baseUrl: string;
  /** Resolves with the exit code (null when killed by a signal), once all its output is read. */
  exited: Promise<number | null>;
  output(): string;
}

/** Wake-ups must not depend on polling: a poll of a minute, far beyond every bound the tests set. */
export const NO_POLL = { RUNNER_POLL_INTERVAL_MS: '60000' };

/** Kills (SIGKILL) every server still running and waits until each is gone. */
export async function killServers(servers: ServerProcess[]): Promise<void> {
  for (const server of servers) if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill('SIGKILL');
  await Promise.all(servers.map((server) => server.exited));
}

/** A port free right now: the system hands out one nobody listens on (any worker, any process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the compiled standalone server (`npm run build` first; `npm test` does) on a free port
 * and waits until it answers. Another process may take the port between the probe and the
 * server's listen: then it starts again on another one. `root` is where the package is (its
 * `dist/src/main.js` is started there), this repository unless given.
 */
export async function startServer(env: Record<string, string>, root = ROOT): Promise<ServerProcess> {
  if (!existsSync(mainOf(root))) throw new Error(`${mainOf(root)} is missing: run "npm run build" before these tests`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOn(await freePort(), env, root);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= 5) throw error;
    }
  }
}

class PortTaken extends Error {}

/**
 * Whether process `pid` holds the socket listening on `port`. Another test's server may take the
 * port between the probe and this one's listen: its answers must not pass for this server's.
 * Reads Linux's socket tables (the listening socket's inode, then the process's descriptors);
 * where there are none to read, it cannot tell and takes the answer as this server's.
 */
function listensOn(pid: number, port: number): boolean {
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter((table) => existsSync(table));
  if (!tables.length) return true;
  const localPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const LISTEN = '0A';
  const inodes = new Set<string>();
  for (const table of tables) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (local?.endsWith(localPort) && state === LISTEN) inodes.add(`socket:[${inode}]`);
    }
  }
  const descriptors = `/proc/${pid}/fd`;
  // Gone already: not listening (the next look sees it exited).
  if (!existsSync(descriptors)) return false;
  return readdirSync(descriptors).some((fd) => {
    try {
      return inodes.has(readlinkSync(`${descriptors}/${fd}`));
    } catch {
      return false; // closed while we looked
    }
  });
}

async function startServerOn(port: number, env: Record<string, string>, root: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [mainOf(root)], {
    cwd: root,
    // Readable lines (their quotes unescaped), as most tests read them; the log tests ask for json.
    env: { ...process.env, EXAMPLES: 'false', WORKFLOWS_PATH: FIXTURE_WORKFLOWS, LOG_LEVEL: 'warn', LOG_FORMAT: 'pretty', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  // 'close', not 'exit': the child's output may still be in its pipes when it exits.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}/api/workflows`;
  const headers: Record<string, string> = env.AUTH_TOKEN ? { authorization: `Bearer ${env.AUTH_TOKEN}` } : {};
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const answers = async () => {
    if (hasExited()) {
      // All of its output first: the reason may still be in the pipes.
      const code = await exited;
      const message = `Server exited with ${code ?? child.signalCode} during start-up:\n${output}`;
      throw output.includes('EADDRINUSE') ? new PortTaken(message) : new Error(message);
    }
    try {
      if (!(await fetch(`${baseUrl}/workflows`, { headers })).ok) return false;
    } catch {
      return false; // not listening yet
    }
    return listensOn(child.pid!, port);
  };
  try {
    await eventually(answers, { timeoutMs: 20_000, what: 'the server to answer' });
  } catch (error) {
    if (hasExited()) throw error;
    child.kill('SIGKILL');
    throw new Error(`Server did not start within 20 s:\n${output}`);
  }
  return { process: child, baseUrl, exited, output: () => output };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/**
 * Runs the compiled server with `env` (over the defaults startServer uses) until it exits, as a
 * start-up that fails does; fails the test if it is still running after `timeoutMs`.
 */
export async function runServerToExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const main = mainOf(ROOT);
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" before these tests`);
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, EXAMPLES: 'false', WORKFLOWS_PATH: FIXTURE_WORKFLOWS, PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** The JSON log lines in a server's output (LOG_FORMAT=json), in order. */
export function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
