import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp } from '../../src/api/http-server/configure-http-app';
import { WorkflowsExpressAdapter } from '../../src/api/http-server/workflows-express-adapter';
import { WORKFLOW_STORE } from '../../src/core/tokens';
import { WorkflowsClient } from '../../src/engine/workflows-client';
import type { SqlWorkflowStore } from '../../src/persistence/sql-workflow-store';
import { WorkflowsModule } from '../../src/workflows.module';

const ROOT = join(__dirname, '..', '..', '..');
export const BENCH_WORKFLOWS = join(ROOT, 'bench', 'support', 'bench-workflows.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const benchWorkflows = Object.values(require(BENCH_WORKFLOWS)) as never[];
/** The benchmark's workflows, for an engine built outside the Nest module. */
export const BENCH_WORKFLOW_DEFINITIONS: never[] = benchWorkflows;

export interface Service {
  client: WorkflowsClient;
  baseUrl: string;
  /** `$1`-style SQL on the service's own database (either dialect). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

let nextPort = 24_000;

/** The service inside this process: the same module and HTTP setup as the standalone server. */
export async function startInProcessService(options: { url: string; concurrency?: number; runner?: boolean }): Promise<Service> {
  const concurrency = options.concurrency ?? 10;
  const app = await NestFactory.create<NestExpressApplication>(
    WorkflowsModule.forRoot({
      workflows: benchWorkflows,
      database: { url: options.url, poolSize: concurrency + 5 },
      runner: { enabled: options.runner ?? true, concurrency },
    }),
    new WorkflowsExpressAdapter(),
    { logger: ['error', 'warn'], bodyParser: false },
  );
  configureHttpApp(app, { swagger: false });
  const port = nextPort++;
  await app.listen(port, '127.0.0.1');
  const store = app.get<SqlWorkflowStore>(WORKFLOW_STORE);
  return {
    client: app.get(WorkflowsClient),
    baseUrl: `http://127.0.0.1:${port}/api/workflows`,
    query: (sql, params = []) => store.connection.statement().rows(sql, params),
    close: () => app.close(),
  };
}

export interface ServiceProcess {
  baseUrl: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A separate service process: the compiled standalone server (`npm run build`). */
export async function startServiceProcess(url: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = nextPort++;
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), EXAMPLES: 'false', WORKFLOWS_PATH: BENCH_WORKFLOWS, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}/api/workflows`;
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`${baseUrl}/workflows`)).ok) break;
    } catch {
      // not up yet
    }
    if (tries > 200) throw new Error('service process did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    pid: child.pid!,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Waits until no run of `workflow` is left in the queue (every one created so far has finished),
 * polling every `everyMs`; returns the polls made. The queue holds only unfinished runs, so this
 * stays cheap on a database with a million finished instances.
 */
export async function waitUntilFinished(service: Service, workflow: string, everyMs = 20, timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    const [row] = await service.query(`SELECT count(*) AS n FROM workflow_task WHERE workflow_name = $1`, [workflow]);
    if (Number(row.n) === 0) return polls;
    if (Date.now() > deadline) throw new Error(`${row.n} ${workflow} runs still unfinished after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** How many of the instances whose ids start with `prefix` are complete (not timed: it may be slow). */
export async function countComplete(service: Service, workflow: string, prefix: string): Promise<number> {
  const [row] = await service.query(
    `SELECT count(*) AS n FROM workflow_instance WHERE workflow_name = $1 AND instance_id LIKE $2 AND status = 'complete'`,
    [workflow, `${prefix}%`],
  );
  return Number(row.n);
}

/** Runs `work` over `items` with at most `parallel` in flight. */
export async function inParallel<T>(items: T[], parallel: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}
