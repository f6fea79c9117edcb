import type { Command } from 'commander';
import { WorkflowsHttpClient } from '../client/workflows-http-client';
import { type CliEnvironment, clientOptions, type GlobalOptions } from './options';
import { UsageError } from './exit-codes';
import type { Output } from './output';

/** What a command's action works with. */
export interface CommandContext {
  client: WorkflowsHttpClient;
  output: Output;
  json: boolean;
}

/** How the program runs: its environment and where it writes (a test hands in its own). */
export interface CliRuntime {
  environment: CliEnvironment;
  output: Output;
}

export type Action<O> = (options: O, context: CommandContext) => Promise<void>;

/** Wraps a command's action so it receives its own options and a context built from the globals. */
export function withContext<O>(runtime: CliRuntime, action: Action<O>) {
  return async (_options: O, command: Command) => {
    try {
      const options = command.optsWithGlobals<GlobalOptions & O>();
      const client = new WorkflowsHttpClient(clientOptions(options, runtime.environment));
      await action(options, { client, output: runtime.output, json: Boolean(options.json) });
    } catch (error) {
      // A usage error prints the help of the command that was run.
      if (error instanceof UsageError) error.command ??= command;
      throw error;
    }
  };
}
