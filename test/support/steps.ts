/**
 * The per-test harness of the step-semantics contract suites (test/contract/steps/): an engine on
 * a real database with a manual clock, and short reads of what an instance shows.
 */
import type { EngineOptions } from '../../src/engine/create-engine';
import type { WorkflowSource } from '../../src/engine/definition/registry';
import type { HistoryOptions } from '../../src/engine/queries/history-query';
import type { StepView } from '../../src/engine/views';
import type { DatabaseKind } from './databases';
import { createTestEngine, type TestEngine } from './test-engine';

/** The name and message of a thrown value, as workflow code sees them. */
export function errorInfo(error: unknown): { name: string; message: string } {
  const { name, message } = error as { name: string; message: string };
  return { name, message };
}

/**
 * Call inside the describe of a database kind: `start` gives each test its engine (and tells
 * `onStart`, so the file can keep it as `t` and its start time as `T0`); an afterEach lets it go.
 */
export function stepHarness(kind: DatabaseKind, onStart: (t: TestEngine | undefined) => void) {
  let t: TestEngine | undefined;

  async function start(workflows: WorkflowSource[], options: Partial<EngineOptions> = {}): Promise<TestEngine> {
    t = await createTestEngine(kind, workflows, options);
    onStart(t);
    return t;
  }

  afterEach(async () => {
    await t?.dispose();
    t = undefined;
    onStart(undefined);
  });

  const engine = () => {
    if (!t) throw new Error('start() the engine first');
    return t;
  };
  const details = async (workflow: string, id: string) => (await engine().client.get(workflow, id)).details;
  const tick = async (options?: { maxSteps?: number }) => (await engine().client.tick(options)).processed;

  // Oldest first (history is newest first by default): these tests read steps, events and lines in the order they happened.
  async function steps(workflow: string, id: string): Promise<StepView[]> {
    return (await engine().client.history(workflow, id, { pageSize: 100, order: 'asc' })).steps;
  }

  async function stepRow(workflow: string, id: string, name: string): Promise<StepView> {
    const row = (await steps(workflow, id)).find((s) => s.name === name);
    if (!row) throw new Error(`No step row named "${name}"`);
    return row;
  }

  async function logs(workflow: string, id: string, options: HistoryOptions = {}) {
    const history = await engine().client.history(workflow, id, { includeLogs: true, pageSize: 100, order: 'asc', ...options });
    return history.logs!;
  }

  async function events(workflow: string, id: string) {
    return (await engine().client.history(workflow, id, { pageSize: 100, order: 'asc' })).events;
  }

  return { start, details, tick, steps, stepRow, logs, events };
}
