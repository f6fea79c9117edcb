// Lints code given on stdin, one JSON request per line ({ id, path, code }), as if it were the file
// at `path`, and answers one JSON line per request ({ id, messages }). One ESLint for many checks:
// loading ESLint and its TypeScript parser takes seconds, linting a few lines takes milliseconds.
// The type-aware rules are off: the files do not exist for the type checker.
import { createInterface } from 'node:readline';
import { ESLint } from 'eslint';

const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

for await (const line of createInterface({ input: process.stdin })) {
  const { id, path, code } = JSON.parse(line);
  try {
    const [result] = await eslint.lintText(code, { filePath: path });
    process.stdout.write(`${JSON.stringify({ id, messages: result.messages.map(({ ruleId, message }) => ({ ruleId, message })) })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id, error: String(error?.stack ?? error) })}\n`);
  }
}
