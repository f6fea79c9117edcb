import type { EntitySchemaColumnOptions } from 'typeorm';
import type { DialectName } from '../sql/dialect';

/**
 * Column types that differ by database. Times are `timestamptz` on PostgreSQL and epoch
 * milliseconds on SQLite (which has no time type; integers compare and index exactly).
 * JSON is kept as text on both, so values read back byte for byte as they were written.
 */
export function columnTypes(dialect: DialectName) {
  const time = (name: string, nullable = false): EntitySchemaColumnOptions =>
    dialect === 'postgres' ? { name, type: 'timestamptz', nullable } : { name, type: 'bigint', nullable };
  const json = (name: string): EntitySchemaColumnOptions => ({ name, type: 'text', nullable: true });
  const text = (name: string, length: number, nullable = false): EntitySchemaColumnOptions => ({
    name,
    type: 'varchar',
    length,
    nullable,
  });
  const int = (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: 'integer', nullable });
  return { time, json, text, int };
}

/** The key every table starts with, so every query of an instance is index-backed. */
export function instanceKeyColumns(dialect: DialectName, primary: boolean) {
  const { text } = columnTypes(dialect);
  return {
    workflowName: { ...text('workflow_name', 64), primary },
    instanceId: { ...text('instance_id', 100), primary },
  };
}
