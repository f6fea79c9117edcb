/** How deep JSON input may nest: deeper documents are refused before anything recurses into them. */
export const MAX_JSON_DEPTH = 100;

/** The nesting depth of a parsed JSON value, measured without recursion (so it cannot overflow). */
export function jsonDepth(value: unknown, stopAt = Infinity): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > stopAt) return deepest;
    for (const child of Object.values(current)) pending.push([child, level]);
  }
  return deepest;
}
