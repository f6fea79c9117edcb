import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Child workflows: an instance names the run that started it and what happens to it when that
 * run is terminated or restarted; a step names the child it started or the instance it waits
 * for; a queue row says whether any run ever waited for it (its end then wakes them). Nullable
 * columns and a column with a constant default are added in place, however many rows there are.
 */
export class ChildWorkflows1796500000000 implements MigrationInterface {
    name = 'ChildWorkflows1796500000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD "parent_workflow_name" character varying(64)`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD "parent_instance_id" character varying(100)`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD "parent_run_number" integer`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD "parent_close_policy" character varying(16)`);
        await queryRunner.query(`ALTER TABLE "workflow_step" ADD "child_workflow_name" character varying(64)`);
        await queryRunner.query(`ALTER TABLE "workflow_step" ADD "child_instance_id" character varying(100)`);
        await queryRunner.query(`ALTER TABLE "workflow_task" ADD "awaited" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_instance_parent" ON "workflow_instance" ("parent_workflow_name", "parent_instance_id") `);
        await queryRunner.query(`CREATE INDEX "idx_workflow_step_child" ON "workflow_step" ("child_workflow_name", "child_instance_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_step_child"`);
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_instance_parent"`);
        await queryRunner.query(`ALTER TABLE "workflow_task" DROP COLUMN "awaited"`);
        await queryRunner.query(`ALTER TABLE "workflow_step" DROP COLUMN "child_instance_id"`);
        await queryRunner.query(`ALTER TABLE "workflow_step" DROP COLUMN "child_workflow_name"`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "parent_close_policy"`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "parent_run_number"`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "parent_instance_id"`);
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "parent_workflow_name"`);
    }

}
