import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Child workflows (see the PostgreSQL migration of the same name). By hand: the generator copies
 * whole tables to add columns; nullable columns and one with a constant default are added in
 * place.
 */
export class ChildWorkflows1796500000001 implements MigrationInterface {
    name = 'ChildWorkflows1796500000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD COLUMN "parent_workflow_name" varchar(64)`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD COLUMN "parent_instance_id" varchar(100)`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD COLUMN "parent_run_number" integer`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD COLUMN "parent_close_policy" varchar(16)`);
        await queryRunner.query(`ALTER TABLE "workflow_step" ADD COLUMN "child_workflow_name" varchar(64)`);
        await queryRunner.query(`ALTER TABLE "workflow_step" ADD COLUMN "child_instance_id" varchar(100)`);
        await queryRunner.query(`ALTER TABLE "workflow_task" ADD COLUMN "awaited" boolean NOT NULL DEFAULT (0)`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_instance_parent" ON "workflow_instance" ("parent_workflow_name", "parent_instance_id") `);
        await queryRunner.query(`CREATE INDEX "idx_workflow_step_child" ON "workflow_step" ("child_workflow_name", "child_instance_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "idx_workflow_step_child"`);
        await queryRunner.query(`DROP INDEX "idx_workflow_instance_parent"`);
        await queryRunner.query(`ALTER TABLE "workflow_task" DROP COLUMN "awaited"`);
        await queryRunner.query(`ALTER TABLE "workflow_step" DROP COLUMN "child_instance_id"`);
        await queryRunner.query(`ALTER TABLE "workflow_step" DROP COLUMN "child_workflow_name"`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "parent_close_policy"`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "parent_run_number"`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "parent_instance_id"`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "parent_workflow_name"`);
    }

}
