import type { Command } from 'commander';
import type { HistoryOptions } from '../../client';
import { type CliRuntime, withContext } from '../context';
import { EXIT, ExitWith, UsageError } from '../exit-codes';
import { followLogs, printLog } from '../follow-logs';
import { parseDurationArgument, parseInteger } from '../options';
import { cell, paint, printJson, table, TERMINAL_STATUSES } from '../output';

interface InstanceOptions {
  workflow: string;
  id: string;
}

interface HistoryFlags extends InstanceOptions {
  run?: number;
  includeLogs?: boolean;
  logLevel?: HistoryOptions['logLevel'];
  logCategory?: string;
  order?: 'asc' | 'desc';
  pageSize?: number;
  stepsCursor?: string;
  eventsCursor?: string;
  logsCursor?: string;
}

/** `-w/--workflow` and `-i/--id`, which most instance commands take. */
export function instanceOptions(command: Command): Command {
  return command.requiredOption('-w, --workflow <name>', 'workflow name').requiredOption('-i, --id <id>', 'instance id');
}

/** The history query the shared flags ask for. */
function historyQuery(flags: HistoryFlags): HistoryOptions {
  return {
    runNumber: flags.run,
    includeLogs: flags.includeLogs,
    logLevel: flags.logLevel,
    logCategory: flags.logCategory,
    order: flags.order,
    pageSize: flags.pageSize,
    stepsCursor: flags.stepsCursor,
    eventsCursor: flags.eventsCursor,
    logsCursor: flags.logsCursor,
  };
}

function logFilters(command: Command): Command {
  return command
    .option('--run <n>', 'run number (default: the current run)', parseInteger)
    .option('--log-level <level>', 'that level and more severe: debug, info, warn or error')
    .option('--log-category <category>', 'only lines of this category (workflow, system, or your own)')
    .option('--order <order>', 'asc or desc (default desc: newest first)')
    .option('--page-size <n>', 'items per page (default 25)', parseInteger);
}

export function addReadCommands(instances: Command, runtime: CliRuntime): void {
  instances
    .command('list')
    .description('List instances of a workflow, newest first')
    .requiredOption('-w, --workflow <name>', 'workflow name')
    .option('--status <status>', 'only instances with this status')
    .option('--page-size <n>', 'instances per page (default 25)', parseInteger)
    .option('--cursor <cursor>', 'the cursor of the previous page')
    .option('--all', 'walk every page (with --json: one array of every instance)')
    .addHelpText('after', '\nExamples:\n  wf instances list -w approval --status waiting\n  wf instances list -w approval --all --json')
    .action(
      withContext(runtime, async (o: { workflow: string; status?: string; pageSize?: number; cursor?: string; all?: boolean }, { client, output, json }) => {
        const query = { status: o.status as never, pageSize: o.pageSize, cursor: o.cursor };
        let page = await client.list(o.workflow, query);
        const instances = [...page.instances];
        while (o.all && page.hasNextPage) {
          page = await client.list(o.workflow, { ...query, cursor: page.cursor });
          instances.push(...page.instances);
        }
        if (json) return printJson(output, o.all ? instances : page);
        table(output, ['ID', 'STATUS', 'CREATED', 'UPDATED'], instances.map((i) => [i.id, paint(output, i.details.status), cell(i.createdAt), cell(i.updatedAt)]));
        if (!o.all && page.hasNextPage) output.out(`\nNext page: --cursor ${page.cursor}`);
      }),
    );

  instanceOptions(instances.command('get'))
    .description('Show an instance: status, output or error, and the step it is at')
    .option('--full', 'also its params and every field of the current step')
    .addHelpText('after', '\nExample:\n  wf instances get -w approval -i req-1')
    .action(
      withContext(runtime, async (o: InstanceOptions & { full?: boolean }, { client, output, json }) => {
        const instance = await client.get(o.workflow, o.id);
        if (json) return printJson(output, instance);
        const { details, meta } = instance;
        const step = meta.currentStep;
        const rows: [string, string][] = [
          ['id', instance.id],
          ['status', paint(output, details.status)],
          ['workflow', meta.workflowName],
          ['run', String(meta.runNumber)],
          ['created', cell(meta.createdAt)],
          ['updated', cell(meta.updatedAt)],
          ['started', cell(meta.startedAt)],
          ['completed', cell(meta.completedAt)],
        ];
        if (step) rows.push(['step', `${step.name} (${step.type}, ${step.status}, attempt ${step.attempts}${step.maxAttempts ? `/${step.maxAttempts}` : ''})`]);
        if (details.error) rows.push(['error', `${details.error.name}: ${details.error.message}`]);
        if (details.status === 'complete') rows.push(['output', JSON.stringify(details.output)]);
        if (o.full) rows.push(['params', JSON.stringify(meta.params)], ['current step', JSON.stringify(step ?? null)]);
        const width = Math.max(...rows.map(([name]) => name.length));
        for (const [name, value] of rows) output.out(`${name.padEnd(width)}  ${value}`);
      }),
    );

  logFilters(instanceOptions(instances.command('history')))
    .description("Show a run's steps, events and (with --include-logs) log lines; each pages on its own")
    .option('--include-logs', 'include log lines')
    .option('--steps-cursor <cursor>', 'next page of steps')
    .option('--events-cursor <cursor>', 'next page of events')
    .option('--logs-cursor <cursor>', 'next page of log lines')
    .addHelpText('after', '\nExample:\n  wf instances history -w approval -i req-1 --include-logs --order asc')
    .action(
      withContext(runtime, async (o: HistoryFlags, { client, output, json }) => {
        const history = await client.history(o.workflow, o.id, historyQuery(o));
        if (json) return printJson(output, history);
        output.out(`Run ${history.runNumber}\n\nSteps`);
        table(output, ['STEP', 'TYPE', 'STATUS', 'ATTEMPTS', 'UPDATED'], history.steps.map((s) => [s.name, s.type, paint(output, s.status), String(s.attempts), cell(s.updatedAt)]));
        output.out('\nEvents');
        table(output, ['ID', 'TYPE', 'CREATED', 'CONSUMED BY'], history.events.map((e) => [e.id, e.type, cell(e.createdAt), cell(e.consumedByStepKey)]));
        if (history.logs) {
          output.out('\nLogs');
          for (const log of history.logs) printLog(output, log);
        }
        for (const [stream, cursor] of [['steps', history.stepsCursor], ['events', history.eventsCursor], ['logs', history.logsCursor]] as const) {
          if (cursor) output.out(`\nNext page of ${stream}: --${stream}-cursor ${cursor}`);
        }
      }),
    );

  logFilters(instanceOptions(instances.command('logs')))
    .description("Show an instance's log lines; --follow prints new ones as they come, across runs")
    .option('--logs-cursor <cursor>', 'next page of log lines')
    .option('--follow', 'keep printing new lines, each once, until the instance ends')
    .option('--follow-interval <ms>', 'how often to look for new lines when following (default 1000)', parseInteger)
    .option('--keep-following', 'with --follow: go on after the instance ended (it may be restarted)')
    .addHelpText('after', '\nExamples:\n  wf instances logs -w approval -i req-1\n  wf instances logs -w approval -i req-1 --follow --log-level info')
    .action(
      withContext(runtime, async (o: HistoryFlags & { follow?: boolean; followInterval?: number; keepFollowing?: boolean }, { client, output, json }) => {
        if (o.follow) {
          // Following prints oldest first; a newest-first page would print only its newest line.
          if (o.order === 'desc') throw new UsageError('--follow prints oldest first: leave out --order desc (and use a --logs-cursor of an ascending listing)');
          return followLogs(client, output, { ...o, intervalMs: o.followInterval ?? 1000, json });
        }
        const history = await client.history(o.workflow, o.id, { ...historyQuery(o), includeLogs: true });
        if (json) return printJson(output, history.logs);
        for (const log of history.logs ?? []) printLog(output, log);
        if (history.logsCursor) output.out(`\nNext page: --logs-cursor ${history.logsCursor}`);
      }),
    );

  instanceOptions(instances.command('wait'))
    .description('Wait until an instance ends: exit 0 complete, 3 errored or terminated, 4 when --max-wait passed')
    .option('--max-wait <duration>', 'give up after this long (e.g. 30s, 5m)', parseDurationArgument)
    .option('--interval <ms>', 'how often to look (default 500)', parseInteger)
    .addHelpText('after', '\nExample:\n  wf instances wait -w approval -i req-1 --max-wait 10m')
    .action(
      withContext(runtime, async (o: InstanceOptions & { maxWait?: number; interval?: number }, { client, output, json }) => {
        const deadline = o.maxWait === undefined ? Infinity : Date.now() + o.maxWait;
        for (;;) {
          const instance = await client.get(o.workflow, o.id);
          const { status } = instance.details;
          if (TERMINAL_STATUSES.has(status) || Date.now() >= deadline) {
            if (json) printJson(output, instance);
            else output.out(`${instance.id}: ${paint(output, status)}${instance.details.error ? ` (${instance.details.error.name}: ${instance.details.error.message})` : ''}`);
            if (status === 'complete') return;
            throw new ExitWith(TERMINAL_STATUSES.has(status) ? EXIT.failed : EXIT.timedOut);
          }
          await new Promise((resolve) => setTimeout(resolve, Math.min(o.interval ?? 500, Math.max(0, deadline - Date.now()))));
        }
      }),
    );
}
