import type { QueryRunner } from 'typeorm';

/** The system lines that name a run number, by the text before the number and what may follow it. */
const NUMBERED_LINES = [
  { prefix: 'Run ', followedBy: [' started', ' completed', ' errored: '] },
  { prefix: 'Restarted (run ', followedBy: [' was '] },
];

/**
 * Shifts every stored run number by `delta` (the "Run N started" lines and their kind too).
 * Step rows hold the run number in their primary key, and a database checks it row by row, so
 * they go through negative numbers first: no row ever lands on a key another still has.
 */
export async function shiftRunNumbers(runner: QueryRunner, dialect: 'postgres' | 'sqlite', delta: 1 | -1): Promise<void> {
  for (const table of ['workflow_instance', 'workflow_task', 'workflow_event', 'workflow_log']) {
    await runner.query(`UPDATE "${table}" SET "run_number" = "run_number" + ${delta}`);
  }
  await runner.query(`UPDATE "workflow_step" SET "run_number" = -"run_number"`);
  await runner.query(`UPDATE "workflow_step" SET "run_number" = -"run_number" + ${delta}`);
  for (const line of NUMBERED_LINES) {
    await runner.query(dialect === 'postgres' ? postgresRenumbering(line.prefix, line.followedBy, delta) : sqliteRenumbering(line.prefix, line.followedBy, delta));
  }
}

const SYSTEM_LINES = `"category" = 'system' AND "step_name" IS NULL`;

/** `prefix` + number + rest, rewritten with regular expressions (`.` matches newlines too). */
function postgresRenumbering(prefix: string, followedBy: string[], delta: number): string {
  // A bracket, not a backslash: the pattern means the same whatever standard_conforming_strings says.
  const start = `^${prefix.replace(/[()]/g, '[$&]')}`;
  const rest = `(${followedBy.map((text) => text.trim()).join('|')})`;
  return `UPDATE "workflow_log"
    SET "message" = '${prefix}' || (substring("message" from '${start}([0-9]+) ')::bigint + ${delta}) || substring("message" from '${start}[0-9]+( .*)$')
    WHERE ${SYSTEM_LINES} AND "message" ~ '${start}[0-9]+ ${rest}'`;
}

/** The same with substr/instr: SQLite has no regular expressions built in. */
function sqliteRenumbering(prefix: string, followedBy: string[], delta: number): string {
  const from = prefix.length + 1;
  const digits = `instr(substr("message", ${from}), ' ') - 1`;
  const matches = followedBy.map((text) => `"message" GLOB '${prefix.replace(/[[*?]/g, '[$&]')}[0-9]*${text.replace(/[[*?]/g, '[$&]')}*'`);
  return `UPDATE "workflow_log"
    SET "message" = '${prefix}' || (CAST(substr("message", ${from}, ${digits}) AS INTEGER) + ${delta}) || substr("message", ${from} + ${digits})
    WHERE ${SYSTEM_LINES} AND (${matches.join(' OR ')})`;
}
