import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');
const LINT_SERVER = join(ROOT, 'test', 'support', 'lint-server.mjs');

type Answer = { messages?: { ruleId: string | null; message: string }[]; error?: string };

/** One ESLint child process (it loads its configuration as an ES module) for all the checks of this file. */
let linter: { child: ChildProcess; pending: Map<number, (answer: Answer) => void> } | undefined;
let nextId = 0;

function startLinter() {
  const child = spawn(process.execPath, [LINT_SERVER], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const pending = new Map<number, (answer: Answer) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const { id, ...answer } = JSON.parse(line) as Answer & { id: number };
    pending.get(id)?.(answer);
    pending.delete(id);
  });
  child.on('exit', (code) => {
    for (const answer of pending.values()) answer({ error: `the linter exited with ${code}` });
    pending.clear();
  });
  return { child, pending };
}

afterAll(async () => {
  if (!linter) return;
  const { child } = linter;
  linter = undefined;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin!.end();
  await exited;
});

/**
 * The architecture's rule, as the lint configuration enforces it: nothing in src/engine (at any
 * depth) imports a framework or another part of src/. Checked by the real ESLint on code given as
 * if it were a file there; the type-aware rules are off, since the file does not exist for the
 * type checker.
 */
async function engineLintErrors(path: string, code: string): Promise<string[]> {
  linter ??= startLinter();
  const id = nextId++;
  const answer = await new Promise<Answer>((resolve) => {
    linter!.pending.set(id, resolve);
    linter!.child.stdin!.write(`${JSON.stringify({ id, path, code })}\n`);
  });
  if (answer.error) throw new Error(answer.error);
  return answer.messages!.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint: the engine boundary', () => {
  it.each([
    ['src/engine/runner/fixture.ts', "import { x } from '../../persistence/sql/dialect';"],
    ['src/engine/step/deep/fixture.ts', "import { x } from '../../../api/http-api';"],
    ['src/engine/fixture.ts', "import { x } from '../scheduler/runner-loop.service';"],
    ['src/engine/lifecycle/fixture.ts', "import { x } from '@nestjs/common';"],
    ['src/engine/queries/fixture.ts', "import { x } from 'pg';"],
  ])('%s may not %s', async (path, line) => {
    expect(await engineLintErrors(path, `${line}\nexport const y = x;\n`)).toHaveLength(1);
  });

  it('engine files may import one another, and Node built-ins', async () => {
    const code = "import { x } from '../ports/store';\nimport { randomUUID } from 'node:crypto';\nexport const y = [x, randomUUID];\n";
    expect(await engineLintErrors('src/engine/runner/fixture.ts', code)).toEqual([]);
  });

  it('code outside the engine is not held to it', async () => {
    expect(await engineLintErrors('src/core/fixture.ts', "import { x } from '@nestjs/common';\nexport const y = x;\n")).toEqual([]);
  });
});
