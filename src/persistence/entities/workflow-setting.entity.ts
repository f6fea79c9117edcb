import { EntitySchema } from 'typeorm';
import type { DialectName } from '../sql/dialect';
import { columnTypes } from './column-types';

/**
 * Values every process on one database must share, written once by whichever comes first: the
 * key that signs pagination cursors when none is configured.
 */
export function workflowSettingEntity(dialect: DialectName) {
  const { text } = columnTypes(dialect);
  return new EntitySchema({
    name: 'WorkflowSetting',
    tableName: 'workflow_setting',
    columns: {
      name: { ...text('name', 64), primary: true },
      value: { name: 'value', type: 'text' },
    },
  });
}
