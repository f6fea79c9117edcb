import { MigrationInterface, QueryRunner } from 'typeorm';

/** Retention purges a workflow's instances that finished before a time: found through this index. */
export class InstanceCompletedIndex1796400000001 implements MigrationInterface {
    name = 'InstanceCompletedIndex1796400000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "idx_workflow_instance_completed" ON "workflow_instance" ("workflow_name", "completed_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "idx_workflow_instance_completed"`);
    }
}
