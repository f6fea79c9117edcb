import { MigrationInterface, QueryRunner } from 'typeorm';

export class TaskPauseRequested1795937121324 implements MigrationInterface {
    name = 'TaskPauseRequested1795937121324';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "idx_workflow_task_due"`);
        await queryRunner.query(`CREATE TABLE "temporary_workflow_task" ("workflow_name" varchar(64) NOT NULL, "instance_id" varchar(100) NOT NULL, "run_number" integer NOT NULL, "kind" smallint NOT NULL, "due_at" bigint, "lease_owner" varchar(128), "lease_token" varchar(64), "lease_expires_at" bigint, "pause_requested" boolean NOT NULL DEFAULT (0), PRIMARY KEY ("workflow_name", "instance_id"))`);
        await queryRunner.query(`INSERT INTO "temporary_workflow_task"("workflow_name", "instance_id", "run_number", "kind", "due_at", "lease_owner", "lease_token", "lease_expires_at") SELECT "workflow_name", "instance_id", "run_number", "kind", "due_at", "lease_owner", "lease_token", "lease_expires_at" FROM "workflow_task"`);
        await queryRunner.query(`DROP TABLE "workflow_task"`);
        await queryRunner.query(`ALTER TABLE "temporary_workflow_task" RENAME TO "workflow_task"`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_task_due" ON "workflow_task" ("kind", "due_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "idx_workflow_task_due"`);
        await queryRunner.query(`ALTER TABLE "workflow_task" RENAME TO "temporary_workflow_task"`);
        await queryRunner.query(`CREATE TABLE "workflow_task" ("workflow_name" varchar(64) NOT NULL, "instance_id" varchar(100) NOT NULL, "run_number" integer NOT NULL, "kind" smallint NOT NULL, "due_at" bigint, "lease_owner" varchar(128), "lease_token" varchar(64), "lease_expires_at" bigint, PRIMARY KEY ("workflow_name", "instance_id"))`);
        await queryRunner.query(`INSERT INTO "workflow_task"("workflow_name", "instance_id", "run_number", "kind", "due_at", "lease_owner", "lease_token", "lease_expires_at") SELECT "workflow_name", "instance_id", "run_number", "kind", "due_at", "lease_owner", "lease_token", "lease_expires_at" FROM "temporary_workflow_task"`);
        await queryRunner.query(`DROP TABLE "temporary_workflow_task"`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_task_due" ON "workflow_task" ("kind", "due_at") `);
    }

}
