import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention purges a workflow's instances that finished before a time, oldest first: this index
 * finds them without reading every instance. Built in the migrations' transaction, so writes to
 * workflow_instance wait while it is built (a few seconds for a million rows).
 */
export class InstanceCompletedIndex1796400000000 implements MigrationInterface {
    name = 'InstanceCompletedIndex1796400000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "idx_workflow_instance_completed" ON "workflow_instance"  ("workflow_name", "completed_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_instance_completed"`);
    }
}
