import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface StartupFacts {
  version: string;
  database: string;
  /** Names of the migrations applied by this start-up. */
  migrations: readonly string[];
  /** Each registered workflow; `file` when it came from WORKFLOWS_PATH. */
  workflows: { name: string; file?: string }[];
  runner: { enabled: boolean; concurrency: number };
  /** The HTTP server's own URL, e.g. http://localhost:3000. */
  origin: string;
  basePath: string;
}

const LABEL_WIDTH = 12;

/**
 * The start-up block: what the process is, on which database, what it registered and where it
 * answers. One log line whose message is the readable block and whose fields say the same for
 * machines.
 */
export function startupReport(facts: StartupFacts): { msg: string; startup: Record<string, unknown> } {
  const urls = {
    api: `${facts.origin}${facts.basePath}`,
    swagger: `${facts.origin}/docs`,
    healthLive: `${facts.origin}/health/live`,
    healthReady: `${facts.origin}/health/ready`,
    metrics: `${facts.origin}/metrics`,
  };
  const workflowLines = facts.workflows.length ? facts.workflows.map(({ name, file }) => (file ? `${name} (${file})` : name)) : ['none'];
  const rows: [string, string[]][] = [
    ['version', [facts.version]],
    ['database', [facts.database]],
    ['migrations', [facts.migrations.length ? `applied now: ${facts.migrations.join(', ')}` : 'up to date']],
    ['workflows', workflowLines],
    ['runner', [facts.runner.enabled ? `enabled, concurrency ${facts.runner.concurrency}` : 'disabled (API only)']],
    ['API', [urls.api]],
    ['Swagger UI', [urls.swagger]],
    ['health', [`${urls.healthLive}, ${urls.healthReady}`]],
    ['metrics', [urls.metrics]],
  ];
  const lines = rows.flatMap(([label, values]) => values.map((value, i) => `  ${(i === 0 ? label : '').padEnd(LABEL_WIDTH)}${value}`));
  return {
    msg: `Durable Workflows started\n${lines.join('\n')}`,
    startup: { version: facts.version, database: facts.database, migrations: facts.migrations, workflows: facts.workflows, runner: facts.runner, urls },
  };
}

/** This package's version, from the package.json above this file (in src/ or in dist/). */
export function packageVersion(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version ?? 'unknown');
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** How the server's URLs are written: a wildcard bind address is reached as localhost. */
export function originOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}
