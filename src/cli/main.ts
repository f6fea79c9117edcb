import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CommanderError } from 'commander';
import type { CliRuntime } from './context';
import { EXIT, ExitWith, UsageError } from './exit-codes';
import type { CliEnvironment } from './options';
import type { Output } from './output';
import { reportError } from './output';
import { buildProgram } from './program';

/** Runs `wf` with `argv` (without node and script); resolves to its exit code. */
export async function runCli(argv: string[], runtime: CliRuntime): Promise<number> {
  const program = buildProgram(runtime, packageVersion());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ExitWith) return error.code;
    reportError(runtime.output, error);
    if (error instanceof UsageError) {
      // The help of the command that was run, as commander gives it for its own usage errors.
      error.command?.outputHelp({ error: true });
      return EXIT.usage;
    }
    return EXIT.apiError;
  }
}

/** The real terminal: colour when stdout is one and NO_COLOR is unset or empty (as no-color.org asks). */
function terminalOutput(environment: CliEnvironment): Output {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    color: Boolean(process.stdout.isTTY) && !environment.NO_COLOR,
  };
}

/** The package's version: from the nearest package.json above this file (in src/ or in dist/). */
function packageVersion(): string {
  for (let folder = __dirname; folder !== dirname(folder); folder = dirname(folder)) {
    const file = join(folder, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/** The `wf` binary: the environment and the terminal of this process. */
export function main(): void {
  const { WF_BASE_URL, WF_HEADERS, NO_COLOR } = process.env;
  const environment = { WF_BASE_URL, WF_HEADERS, NO_COLOR };
  void runCli(process.argv.slice(2), { environment, output: terminalOutput(environment) }).then((code) => {
    process.exitCode = code;
  });
}
