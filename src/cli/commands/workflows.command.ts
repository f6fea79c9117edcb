import { Command } from 'commander';
import { type CliRuntime, withContext } from '../context';
import { printJson, table } from '../output';

export function workflowsCommand(runtime: CliRuntime): Command {
  const workflows = new Command('workflows').description('Registered workflows');
  workflows
    .command('list')
    .description('List the registered workflows')
    .addHelpText('after', '\nExample:\n  wf workflows list -b http://localhost:3000/api/workflows')
    .action(
      withContext(runtime, async (_options, { client, output, json }) => {
        const answer = await client.listWorkflows();
        if (json) return printJson(output, answer);
        table(output, ['NAME', 'DESCRIPTION'], answer.workflows.map((w) => [w.name, w.description ?? '']));
      }),
    );
  return workflows;
}
