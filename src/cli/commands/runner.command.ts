import { Command } from 'commander';
import { type CliRuntime, withContext } from '../context';
import { parseInteger } from '../options';
import { printJson } from '../output';

export function runnerCommand(runtime: CliRuntime): Command {
  const runner = new Command('runner').description('The runner, for an external scheduler');
  runner
    .command('tick')
    .description('Advance due instances once (the server must have the tick route enabled)')
    .option('--max-instances <n>', 'how many instances this tick may advance (1-1000, default 10)', parseInteger)
    .option('--max-steps <n>', 'how many steps each may execute (1-10000, default 100)', parseInteger)
    .addHelpText('after', '\nExample:\n  wf runner tick --max-instances 50')
    .action(
      withContext(runtime, async (options: { maxInstances?: number; maxSteps?: number }, { client, output, json }) => {
        const answer = await client.tick({ maxInstances: options.maxInstances, maxSteps: options.maxSteps });
        if (json) return printJson(output, answer);
        output.out(`Processed ${answer.processed} instance(s)${answer.nextWakeAt ? `; next due at ${answer.nextWakeAt}` : '; nothing scheduled'}`);
      }),
    );
  return runner;
}
