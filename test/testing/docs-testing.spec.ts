import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The example docs/testing.md shows is this suite's own test file, as a package user imports it. */
it('docs/testing.md shows test/testing/signup.workflow.spec.ts', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'testing.md'), 'utf8');
  const shown = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  const file = readFileSync(join(__dirname, 'signup.workflow.spec.ts'), 'utf8')
    .replace("from '../../src/engine'", "from 'durable-workflows'")
    .replace("from '../../src/testing'", "from 'durable-workflows/testing'");
  expect(shown).toBe(file);
});
