import { WorkflowsApiError } from '../client/http-errors';

/** Where a command writes, and whether it may use colour (a terminal, and NO_COLOR unset). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

const STATUS_COLORS: Record<string, number> = {
  complete: 32,
  completed: 32,
  errored: 31,
  terminated: 31,
  running: 36,
  queued: 36,
  waiting: 33,
  waitingForPause: 33,
  paused: 35,
  error: 31,
  warn: 33,
};

/** The statuses after which an instance changes no more. */
export const TERMINAL_STATUSES = new Set(['complete', 'errored', 'terminated']);

/** A status or level, coloured when the output allows. */
export function paint(output: Output, word: string): string {
  const code = STATUS_COLORS[word];
  return output.color && code ? `\u001b[${code}m${word}\u001b[0m` : word;
}

const VISIBLE = (text: string) => text.replace(/\u001b\[\d+m/g, '');

/** Rows as aligned columns under a header. */
export function table(output: Output, header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => VISIBLE(row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column] - VISIBLE(cell).length)))
      .join('  ')
      .trimEnd();
  output.out(line(header));
  for (const row of rows) output.out(line(row));
}

/** `--json`: the server's JSON, unchanged. */
export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}

/** A value for a table cell: times shortened to the second, JSON for anything else that is not text. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT/.test(value) ? value.replace(/\.\d+Z$/, 'Z') : value;
  return JSON.stringify(value);
}

/** An error as the CLI reports it: `Error <CODE>: <message>`, then the server's issues. */
export function reportError(output: Output, error: unknown): void {
  if (error instanceof WorkflowsApiError) {
    output.err(`Error ${error.code}: ${error.message}`);
    for (const issue of error.issues) output.err(`  - ${issue}`);
  } else {
    output.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
