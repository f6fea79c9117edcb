import type { PageQuery } from '../engine/ports/store';

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
