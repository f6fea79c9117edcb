import type { PageQuery } from '../engine/ports/store';

/** `($1, $2), ($3, $4)` for `rows` rows of `width` values each, numbered from `first`. */
export function valuesList(rows: number, width: number, first = 1): string {
  return Array.from({ length: rows }, (_, r) => {
    const cells = Array.from({ length: width }, (_, c) => `$${first + r * width + c}`);
    return `(${cells.join(', ')})`;
  }).join(', ');
}

/** Keyset condition and ORDER BY for paging over one integer column, after `$n`. */
export function keysetPage(column: string, page: PageQuery<number>, param: number) {
  const ascending = page.order === 'asc';
  return {
    where: page.after === undefined ? '' : ` AND ${column} ${ascending ? '>' : '<'} $${param}`,
    orderBy: ` ORDER BY ${column} ${ascending ? 'ASC' : 'DESC'}`,
    params: page.after === undefined ? [] : [page.after],
  };
}

export const KEY = 'workflow_name = $1 AND instance_id = $2';
export const RUN_KEY = `${KEY} AND run_number = $3`;
