import type { InstanceKey } from '../../engine/model';
import type { PageQuery } from '../../engine/ports/store';
import type { SqlParams } from './sql-params';

/** `workflow_name = $a AND instance_id = $b` for one instance. */
export function keyMatch(p: SqlParams, key: InstanceKey, table = ''): string {
  const prefix = table ? `${table}.` : '';
  return `${prefix}workflow_name = ${p.add(key.workflowName)} AND ${prefix}instance_id = ${p.add(key.instanceId)}`;
}

/** The same, for one run of it. */
export function runMatch(p: SqlParams, key: InstanceKey, runNumber: number): string {
  return `${keyMatch(p, key)} AND run_number = ${p.add(runNumber)}`;
}

/** Keyset condition (to AND onto a WHERE) and ORDER BY for paging over one integer column. */
export function keysetPage(p: SqlParams, column: string, page: PageQuery<number>): { where: string; orderBy: string } {
  const ascending = page.order === 'asc';
  return {
    where: page.after === undefined ? '' : ` AND ${column} ${ascending ? '>' : '<'} ${p.add(page.after)}`,
    orderBy: ` ORDER BY ${column} ${ascending ? 'ASC' : 'DESC'}`,
  };
}

/** `(workflow_name, instance_id) IN (VALUES (…), …)`: any of `keys` (at least one). */
export function anyKey(p: SqlParams, keys: readonly InstanceKey[]): string {
  return `(workflow_name, instance_id) IN (VALUES ${keys.map((key) => `(${p.list([key.workflowName, key.instanceId])})`).join(', ')})`;
}
