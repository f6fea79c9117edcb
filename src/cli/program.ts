import { Command } from 'commander';
import { addReadCommands } from './commands/instances-read.command';
import { addWriteCommands } from './commands/instances-write.command';
import { runnerCommand } from './commands/runner.command';
import { workflowsCommand } from './commands/workflows.command';
import type { CliRuntime } from './context';
import { EXIT_CODES_HELP } from './exit-codes';
import { collect, parseInteger } from './options';

/** The `wf` command tree. */
export function buildProgram(runtime: CliRuntime, version: string): Command {
  const program = new Command('wf')
    .description('Manage durable workflows over their HTTP API')
    .version(version, '-v, --version')
    .option('-b, --base-url <url>', 'the API base URL (default: WF_BASE_URL), e.g. http://localhost:3000/api/workflows')
    .option('-H, --header <header>', "an HTTP header 'Name: value' (repeatable; overrides WF_HEADERS by name)", collect, [])
    .option('--timeout <ms>', 'per-request timeout', parseInteger, 15_000)
    .option('--retries <n>', 'retries of reads and idempotent sends on network errors, 429 and 5xx', parseInteger, 2)
    .option('--retry-delay <ms>', 'wait before a retry (or what Retry-After asks)', parseInteger, 500)
    .option('--json', "print the server's JSON unchanged")
    .addHelpText(
      'after',
      `\nEnvironment:\n  WF_BASE_URL  the API base URL\n  WF_HEADERS   headers, 'Name: value' pairs separated by ';'\n  NO_COLOR     no colour even on a terminal\n\n${EXIT_CODES_HELP}\n\nExamples:\n  wf workflows list -b http://localhost:3000/api/workflows\n  wf instances create -w approval --params '{"requester":"ada","amount":120}'\n  wf instances logs -w approval -i req-1 --follow\n  wf instances delete -w approval -i req-1`,
    );
  const instances = new Command('instances').description('Workflow instances');
  addReadCommands(instances, runtime);
  addWriteCommands(instances, runtime);
  program.addCommand(workflowsCommand(runtime)).addCommand(instances).addCommand(runnerCommand(runtime));
  // Every command reports usage errors with its own help, and never exits by itself.
  const configure = (command: Command) => {
    command.showHelpAfterError().exitOverride().configureOutput({ writeOut: (text) => runtime.output.out(text.replace(/\n$/, '')), writeErr: (text) => runtime.output.err(text.replace(/\n$/, '')) });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}
