import { MigrationInterface, QueryRunner } from 'typeorm';

export class TaskPauseRequested1795937119915 implements MigrationInterface {
    name = 'TaskPauseRequested1795937119915';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_task" ADD "pause_requested" boolean NOT NULL DEFAULT false`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_task" DROP COLUMN "pause_requested"`);
    }

}
