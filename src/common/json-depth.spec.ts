import { findJsonProblem, MAX_JSON_DEPTH } from './json-depth';

/** `levels` objects nested inside one another, with 1 at the bottom. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { d: value };
  return value;
}

describe('findJsonProblem', () => {
  it('finds nothing in ordinary input', () => {
    expect(findJsonProblem({ id: 'x', params: { a: [1, { b: 'c' }], n: null } })).toBeUndefined();
    for (const value of [null, 1, 'text', true, [], {}]) expect(findJsonProblem(value)).toBeUndefined();
  });

  it('allows nesting up to the limit (100 levels by default) and refuses one level more', () => {
    expect(MAX_JSON_DEPTH).toBe(100);
    expect(findJsonProblem(nested(100))).toBeUndefined();
    expect(findJsonProblem(nested(101))).toEqual({ kind: 'tooDeep' });
    expect(findJsonProblem(nested(3), 3)).toBeUndefined();
    expect(findJsonProblem(nested(4), 3)).toEqual({ kind: 'tooDeep' });
  });

  it('counts arrays as levels too', () => {
    expect(findJsonProblem([[[1]]], 3)).toBeUndefined();
    expect(findJsonProblem([[[[1]]]], 3)).toEqual({ kind: 'tooDeep' });
  });

  it('walks input far deeper than the stack could recurse without overflowing', () => {
    expect(findJsonProblem(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toEqual({ kind: 'tooDeep' });
  });

  it.each(['__proto__', 'constructor'])('refuses a %s key anywhere in the input', (key) => {
    const own = JSON.parse(`{"${key}": {"polluted": true}}`);
    expect(findJsonProblem(own)).toEqual({ kind: 'prototypeKey', key });
    expect(findJsonProblem(JSON.parse(`{"a": [1, {"b": {"${key}": 1}}]}`))).toEqual({ kind: 'prototypeKey', key });
  });

  it('allows keys that only look like prototype keys', () => {
    expect(findJsonProblem({ proto: 1, constructors: 2, prototype: 3 })).toBeUndefined();
  });
});
