/**
 * Builds a statement's parameter list as the SQL is written: each `add` returns the placeholder
 * of the value it appended, so no `$4` or `$11` is ever counted by hand.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Appends a value; its placeholder, with a cast when `pgType` is given. */
  add(value: unknown, pgType?: string): string {
    this.values.push(value);
    return `$${this.values.length}${pgType ? `::${pgType}` : ''}`;
  }

  /** Appends several values; their placeholders, comma-separated. */
  list(values: readonly unknown[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }
}
