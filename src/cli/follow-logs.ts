import type { HistoryOptions, LogView, WorkflowsHttpClient } from '../client';
import { cell, type Output, paint, TERMINAL_STATUSES } from './output';

export interface FollowOptions {
  workflow: string;
  id: string;
  run?: number;
  logLevel?: HistoryOptions['logLevel'];
  logCategory?: string;
  pageSize?: number;
  logsCursor?: string;
  intervalMs: number;
  keepFollowing?: boolean;
  json: boolean;
}

/** One log line: time, level, category, step and attempt, message, data, and whether it was replayed. */
export function printLog(output: Output, log: LogView): void {
  const step = log.stepKey ? ` ${log.stepKey}#${log.attempt ?? '-'}` : '';
  const data = log.data === null ? '' : ` ${JSON.stringify(log.data)}`;
  // Code re-executed during a replay writes its lines again: say so.
  const replay = log.isReplay ? ' (replay)' : '';
  // Padded as text, then coloured: colour codes take no room on the screen.
  const level = paint(output, log.level) + ' '.repeat(Math.max(0, 5 - log.level.length));
  output.out(`${cell(log.createdAt)} ${level} [${log.category}]${step} ${log.message}${data}${replay}`);
}

/**
 * Prints every log line once, oldest first, as it is written: run after run when the instance
 * is restarted, until the instance has ended (unless `keepFollowing`) or the process is stopped.
 *
 * Each round reads the instance first and its lines after: everything a run wrote before the
 * status that ended it is then already visible. The API gives a cursor only when another page
 * follows, so the last page is read again next round from the cursor that led to it, and only
 * lines newer than the last one printed are printed.
 */
export async function followLogs(client: WorkflowsHttpClient, output: Output, options: FollowOptions): Promise<void> {
  let stopped = false;
  let wake = () => {};
  // Interrupted: the wait between rounds ends at once (a request in flight finishes first, within --timeout).
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    let run = options.run ?? (await client.get(options.workflow, options.id)).meta.runNumber;
    let pageCursor = options.logsCursor;
    let lastPrinted = -1;
    while (!stopped) {
      const instance = await client.get(options.workflow, options.id);
      for (;;) {
        const page = await client.history(options.workflow, options.id, {
          runNumber: run,
          includeLogs: true,
          order: 'asc',
          logLevel: options.logLevel,
          logCategory: options.logCategory,
          pageSize: options.pageSize,
          logsCursor: pageCursor,
        });
        for (const log of page.logs ?? []) {
          if (Number(log.id) <= lastPrinted) continue;
          if (options.json) output.out(JSON.stringify(log));
          else printLog(output, log);
          lastPrinted = Number(log.id);
        }
        if (!page.logsHasNextPage) break;
        pageCursor = page.logsCursor;
      }
      if (instance.meta.runNumber > run) {
        run++;
        pageCursor = undefined;
        if (!options.json) output.out(`--- run ${run} ---`);
        continue;
      }
      if (TERMINAL_STATUSES.has(instance.details.status) && !options.keepFollowing) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
