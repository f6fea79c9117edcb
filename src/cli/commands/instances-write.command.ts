import type { Command } from 'commander';
import type { CreateInstanceInput } from '../../client';
import { type CliRuntime, withContext } from '../context';
import { UsageError } from '../exit-codes';
import { parseJsonArgument, readJsonFile } from '../options';
import { paint, printJson, table } from '../output';
import { instanceOptions } from './instances-read.command';

/** The API's default batch limit; a server configured lower refuses larger batches with VALIDATION_ERROR. */
const BATCH = 100;

const ACTIONS = {
  pause: 'Pause an instance (a running one pauses at its next step boundary)',
  resume: 'Resume a paused instance',
  restart: 'Start a new run of an instance from the beginning',
  terminate: 'End an instance for good',
} as const;

/** Instances from a file: a JSON array, `{ "instances": [...] }`, or one JSON object per line. */
function batchItems(path: string): CreateInstanceInput[] {
  const text = readJsonFile('--file', path);
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    items = text.split('\n').filter((line) => line.trim()).map((line, index) => parseJsonArgument(`--file line ${index + 1}`, line));
  }
  if (Array.isArray((items as { instances?: unknown })?.instances)) items = (items as { instances: unknown[] }).instances;
  else if (items && typeof items === 'object' && !Array.isArray(items)) items = [items];
  if (!Array.isArray(items)) throw new UsageError('--file must hold a JSON array of { id, params? }, { "instances": [...] }, or one such object per line');
  return items as CreateInstanceInput[];
}

export function addWriteCommands(instances: Command, runtime: CliRuntime): void {
  instances
    .command('create')
    .description('Create an instance (the runner picks it up at once)')
    .requiredOption('-w, --workflow <name>', 'workflow name')
    .option('-i, --id <id>', 'instance id (generated when left out)')
    .option('--params <json>', "the workflow's params, as JSON")
    .option('--params-file <path>', "the workflow's params, from a JSON file")
    .addHelpText('after', `\nExample:\n  wf instances create -w approval --params '{"requester":"ada","amount":120}'`)
    .action(
      withContext(runtime, async (o: { workflow: string; id?: string; params?: string; paramsFile?: string }, { client, output, json }) => {
        if (o.params !== undefined && o.paramsFile !== undefined) throw new UsageError('Give --params or --params-file, not both');
        const text = o.paramsFile === undefined ? o.params : readJsonFile('--params-file', o.paramsFile);
        const params = text === undefined ? undefined : parseJsonArgument(o.params === undefined ? '--params-file' : '--params', text);
        const created = await client.create(o.workflow, { ...(o.id === undefined ? {} : { id: o.id }), ...(params === undefined ? {} : { params }) });
        if (json) return printJson(output, created);
        output.out(`Created ${created.id} (${paint(output, created.details.status)})`);
      }),
    );

  instances
    .command('create-batch')
    .description('Create many instances from a file, 100 per request; ids that exist already are skipped')
    .requiredOption('-w, --workflow <name>', 'workflow name')
    .requiredOption('--file <path>', 'a JSON array of { id, params? }, or NDJSON (one per line)')
    .addHelpText('after', '\nExample:\n  wf instances create-batch -w approval --file requests.ndjson')
    .action(
      withContext(runtime, async (o: { workflow: string; file: string }, { client, output, json }) => {
        const items = batchItems(o.file);
        const created = [];
        for (let first = 0; first < items.length; first += BATCH) created.push(...(await client.createBatch(o.workflow, items.slice(first, first + BATCH))).instances);
        if (json) return printJson(output, { instances: created });
        output.out(`Created ${created.length} of ${items.length} instance(s)${created.length < items.length ? ' (the others existed already)' : ''}`);
      }),
    );

  for (const [action, description] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
    instanceOptions(instances.command(action))
      .description(description)
      .addHelpText('after', `\nExample:\n  wf instances ${action} -w approval -i req-1`)
      .action(
        withContext(runtime, async (o: { workflow: string; id: string }, { client, output, json }) => {
          const result = await client.manage(action, o.workflow, o.id);
          if (json) return printJson(output, result);
          output.out(`${result.id}: ${paint(output, result.details.status)}`);
        }),
      );
  }

  instanceOptions(instances.command('delete'))
    .description('Delete a finished instance with the steps, events and logs of all its runs')
    .option('--force', 'terminate the instance first if it has not finished (otherwise refused: INSTANCE_NOT_TERMINAL)')
    .addHelpText('after', '\nExamples:\n  wf instances delete -w approval -i req-1\n  wf instances delete -w approval -i req-2 --force')
    .action(
      withContext(runtime, async (o: { workflow: string; id: string; force?: boolean }, { client, output, json }) => {
        const result = await client.delete(o.workflow, o.id, { force: o.force });
        if (json) return printJson(output, result);
        table(output, ['ID', 'WORKFLOW', 'DELETED'], [[result.id, o.workflow, String(result.deleted)]]);
      }),
    );

  instanceOptions(instances.command('send-event'))
    .description('Send an event to an instance (stored durably; wakes a matching waitForEvent)')
    .requiredOption('-t, --type <type>', 'event type')
    .option('--payload <json>', 'the payload, as JSON')
    .option('--event-id <id>', 'makes the send idempotent: a repeated id is stored once (and safe to retry)')
    .addHelpText('after', `\nExample:\n  wf instances send-event -w approval -i req-1 -t approval --payload '{"approved":true}'`)
    .action(
      withContext(runtime, async (o: { workflow: string; id: string; type: string; payload?: string; eventId?: string }, { client, output, json }) => {
        const payload = o.payload === undefined ? undefined : parseJsonArgument('--payload', o.payload);
        const sent = await client.sendEvent(o.workflow, o.id, { type: o.type, ...(payload === undefined ? {} : { payload }), ...(o.eventId === undefined ? {} : { id: o.eventId }) });
        if (json) return printJson(output, sent);
        output.out(`Event ${sent.event.id} (${sent.event.type}) stored; ${o.id} is ${paint(output, sent.status.status)}`);
      }),
    );
}
