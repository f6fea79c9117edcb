/** Changes one character of `text` at `index` into another character of the base64url alphabet. */
export function flipChar(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** Flips one character in the middle of a cursor's signed body. */
export function tamper(cursor: string): string {
  const [body] = cursor.split('.');
  return flipChar(cursor, Math.floor(body.length / 2));
}

/** The same cursor signed the same way, but whose payload names another query. */
export function rescoped(cursor: string, change: (scope: string) => string): string {
  const [body, signature] = cursor.split('.');
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  payload.s = change(payload.s);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}
