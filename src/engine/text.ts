/**
 * Text that workflow code hands the engine (error names and messages, log lines, log categories)
 * is normalised here before it is stored, the same way for both databases. PostgreSQL refuses a
 * NUL character in any text and over-long values in bounded columns, where SQLite would store
 * them: without this, one database would fail a write forever that the other accepts.
 */

/** What an over-long text ends with once it has been cut. */
export const TRUNCATED_MARK = ' …[truncated]';

/** Stands for a value whose conversion to text threw. */
export const UNPRINTABLE = '[unprintable value]';

const NUL = /\u0000/g;

/** `String(value)` that never throws: a value whose conversion throws becomes `fallback`. */
export function printable(value: unknown, fallback = UNPRINTABLE): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return fallback;
  }
}

export interface TextLimit {
  /** At most this many UTF-16 code units (PostgreSQL's varchar(n) counts characters, never fewer). */
  maxChars?: number;
  /** At most this many bytes once encoded as UTF-8. */
  maxBytes?: number;
  /** End cut text with TRUNCATED_MARK (within the limit); off for values that are matched exactly. */
  mark?: boolean;
}

/**
 * Well-formed UTF-16 (lone surrogates become U+FFFD, as both drivers would make them on the way
 * in), NULs replaced by U+FFFD, and cut to the limit without splitting a character.
 */
export function boundedText(text: string, limit: TextLimit): string {
  const clean = text.toWellFormed().replace(NUL, '\uFFFD');
  const fits = (candidate: string) =>
    (limit.maxChars === undefined || candidate.length <= limit.maxChars) &&
    (limit.maxBytes === undefined || Buffer.byteLength(candidate, 'utf8') <= limit.maxBytes);
  if (fits(clean)) return clean;
  const mark = limit.mark === false ? '' : TRUNCATED_MARK;
  const maxChars = (limit.maxChars ?? Infinity) - mark.length;
  const maxBytes = (limit.maxBytes ?? Infinity) - Buffer.byteLength(mark, 'utf8');
  // A UTF-16 code unit takes 1 to 3 bytes, so cutting at `maxBytes` units is never too short.
  let cut = clean.slice(0, Math.max(0, Math.min(maxChars, maxBytes)));
  for (let excess = Buffer.byteLength(cut, 'utf8') - maxBytes; excess > 0; excess = Buffer.byteLength(cut, 'utf8') - maxBytes) {
    cut = cut.slice(0, cut.length - Math.max(1, Math.floor(excess / 3)));
  }
  return withoutBrokenPair(cut) + mark;
}

/** Drops a high surrogate left at the end by a cut through a surrogate pair. */
function withoutBrokenPair(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}

/** True for text the databases store exactly as given: well-formed and free of NULs. */
export function isStorableText(text: string): boolean {
  return text.isWellFormed() && !text.includes('\u0000');
}
