import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The run queue churns (every run inserts, updates and deletes its row) and can grow by
 * thousands of rows a second. With the default thresholds its statistics lag far behind, and the
 * planner then sorts the whole queue for every claim instead of reading the due index. Vacuum and
 * analyze it after 1-2% of changes instead of 10-20%.
 */
export class QueueAutovacuum1795938000000 implements MigrationInterface {
    name = 'QueueAutovacuum1795938000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_task" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 200, autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 200)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_task" RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)`);
    }
}
