import { cpus, totalmem } from 'node:os';
import { ADMIN_URL, withClient } from './postgres';

export interface Environment {
  date: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  postgres: string;
  settings: Record<string, string>;
}

export async function describeEnvironment(): Promise<Environment> {
  return withClient(ADMIN_URL, async (client) => {
    const version = (await client.query('SHOW server_version')).rows[0].server_version as string;
    const settings: Record<string, string> = {};
    for (const name of ['shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_connections', 'checkpoint_timeout']) {
      settings[name] = (await client.query(`SHOW ${name}`)).rows[0][name];
    }
    return {
      date: new Date().toISOString(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: version,
      settings,
    };
  });
}

/** A markdown table from rows of plain values. */
export function table(headers: string[], rows: (string | number | undefined)[][]): string {
  const cell = (value: string | number | undefined) => (value === undefined ? '–' : String(value));
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

export const ratio = (ours: number | undefined, theirs: number | undefined) =>
  ours === undefined || theirs === undefined || !theirs ? undefined : `${(ours / theirs).toFixed(2)}×`;
