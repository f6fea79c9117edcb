import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ESLINT = join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

/**
 * The architecture's rule, as the lint configuration enforces it: nothing in src/engine (at any
 * depth) imports a framework or another part of src/. Checked by the real ESLint (a child
 * process: it loads its configuration as an ES module) on code given as if it were a file
 * there; the type-aware rules are off, since the file does not exist for the type checker.
 */
function engineLintErrors(path: string, code: string): Promise<string[]> {
  const args = [ESLINT, '--stdin', '--stdin-filename', path, '--format', 'json', '--parser-options', 'projectService:false'];
  for (const rule of ['no-floating-promises', 'no-misused-promises']) args.push('--rule', `@typescript-eslint/${rule}: off`);
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, args, { cwd: ROOT }, (error, stdout) => {
      // ESLint exits 1 when it found problems: that is an answer, not a failure.
      if (error && error.code !== 1) return reject(error);
      const [result] = JSON.parse(stdout) as { messages: { ruleId: string; message: string }[] }[];
      resolve(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
    });
    child.stdin!.end(code);
  });
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
