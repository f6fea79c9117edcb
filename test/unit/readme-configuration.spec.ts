import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment } from '../../src/config/environment';
import { documentedVariables } from '../../src/config/environment-rules';

/**
 * The README's configuration table is the schema's (src/config/environment.ts): the same
 * variables in the same order, each default as the schema documents it, and every concrete
 * default (`3000`) the value the schema really starts from. Neither can change without the other.
 */

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

function configurationTable(): { name: string; default: string }[] {
  const section = README.split(/^#{2,3} Configuration$/m)[1]?.split(/^#{2,3} /m)[0] ?? '';
  return [...section.matchAll(/^\| `([A-Z0-9_]+)` \| (.*?) \| .* \|$/gm)].map(([, name, given]) => ({ name, default: given }));
}

describe('README Configuration table vs the environment schema', () => {
  const table = configurationTable();
  const schema = [...documentedVariables()].map(([name, docs]) => ({ name, default: docs.default }));

  it('the README has a configuration table', () => {
    expect(table.length).toBeGreaterThan(10);
  });

  it('lists exactly the schema’s variables, in its order, with its defaults', () => {
    expect(table).toEqual(schema);
  });

  it('every concrete default in the table is the value the schema starts from', () => {
    const defaults = new Environment() as unknown as Record<string, unknown>;
    const concrete = table.filter((row) => /^`[^`]+`$/.test(row.default));
    expect(concrete.length).toBeGreaterThan(10);
    for (const row of concrete) expect({ name: row.name, default: String(defaults[row.name]) }).toEqual({ name: row.name, default: row.default.slice(1, -1) });
  });

  it('variables documented without a concrete default start unset', () => {
    const defaults = new Environment() as unknown as Record<string, unknown>;
    for (const row of table.filter((r) => !/^`[^`]+`$/.test(r.default))) expect({ name: row.name, value: defaults[row.name] }).toEqual({ name: row.name, value: undefined });
  });
});
