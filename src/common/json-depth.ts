/** How deep JSON input may nest: deeper documents are refused before anything recurses into them. */
export const MAX_JSON_DEPTH = 100;

/** Keys that would reach an object's prototype when copied onto a class instance. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor']);

export type JsonProblem = { kind: 'tooDeep' } | { kind: 'prototypeKey'; key: string };

/**
 * Finds what makes parsed JSON input unsafe to hand to class-transformer: nesting deeper than
 * `maxDepth`, or a prototype key. Walks without recursion, so it cannot overflow the stack.
 */
export function findJsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | undefined {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return { kind: 'tooDeep' };
    for (const key of Object.keys(current)) {
      if (PROTOTYPE_KEYS.has(key)) return { kind: 'prototypeKey', key };
      pending.push([(current as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}
