import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_URL, databaseUrl, freshDatabase, withClient } from '../support/postgres';

const ROOT = join(__dirname, '..', '..', '..');
const PEERS = join(ROOT, 'bench', 'peers');

/** DBOS Transact running the same W1/W2/W3 (bench/peers/dbos-bench.mjs); installs it on first use. */
export function runDbos(workload: 'w1' | 'w2' | 'w3'): Record<string, number | string> {
  if (!existsSync(join(PEERS, 'node_modules', '@dbos-inc'))) {
    execFileSync('npm', ['ci', '--prefix', PEERS, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  }
  const result = spawnSync(process.execPath, [join(PEERS, 'dbos-bench.mjs'), '--workload', workload, '--database-url', databaseUrl('bench_dbos')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`DBOS ${workload} exited with ${result.status}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

export interface CommitLimit {
  clients: number;
  seconds: number;
  tps: number;
  latencyMs: number;
}

/**
 * The machine's commit limit: pgbench, 16 clients, single-row INSERT transactions of one row
 * with a jsonb column, against the same server.
 */
export async function runPgbench(seconds = 15): Promise<CommitLimit> {
  const name = 'bench_pgbench';
  const url = await freshDatabase(name);
  await withClient(url, (client) => client.query('CREATE TABLE commits (id bigserial PRIMARY KEY, doc jsonb NOT NULL)'));
  const script = join(ROOT, 'dist-bench', 'pgbench-insert.sql');
  writeFileSync(script, `INSERT INTO commits (doc) VALUES ('{"workflow":"bench","step":1,"result":{"i":1}}');\n`);
  const admin = new URL(ADMIN_URL);
  const output = execFileSync(
    pgbenchPath(),
    ['-h', admin.hostname, '-p', admin.port || '5432', '-U', admin.username || 'postgres', '-n', '-c', '16', '-j', '2', '-T', String(seconds), '-f', script, name],
    { encoding: 'utf8' },
  );
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]);
  return { clients: 16, seconds, tps, latencyMs };
}

function pgbenchPath(): string {
  const which = spawnSync('which', ['pgbench'], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  for (const version of versions.reverse()) {
    const candidate = `/usr/lib/postgresql/${version}/bin/pgbench`;
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('pgbench not found (Debian: apt-get install postgresql-client or postgresql)');
}
