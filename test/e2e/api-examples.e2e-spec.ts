import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_EXAMPLES } from '../../src/api/docs/api-examples.generated';
import { collectApiExamples, normalizeExamples } from '../support/api-examples';

const GENERATED = join(__dirname, '..', '..', 'src', 'api', 'docs', 'api-examples.generated.ts');

/**
 * The OpenAPI document's examples are real answers: they are taken from a real run of the API
 * (`npm run openapi` writes them), and this test fails when the API's answers drift from them.
 */
describe('the OpenAPI examples', () => {
  it('are what the API answers today (times and generated ids aside)', async () => {
    const examples = await collectApiExamples();
    // Each refusal is the one it stands for.
    for (const [code, envelope] of Object.entries(examples.errors)) expect({ code, answered: envelope.code }).toEqual({ code, answered: code });
    if (process.env.UPDATE_OPENAPI === '1') {
      const header = '// Written by `npm run openapi` from a real run of the API (test/support/api-examples.ts); do not edit.\n';
      writeFileSync(GENERATED, `${header}import type { ApiExamples } from './api-example-types';\n\nexport const API_EXAMPLES: ApiExamples = ${JSON.stringify(examples, null, 2)};\n`);
      return;
    }
    expect(normalizeExamples(examples)).toEqual(normalizeExamples(API_EXAMPLES));
  }, 30_000);
});
