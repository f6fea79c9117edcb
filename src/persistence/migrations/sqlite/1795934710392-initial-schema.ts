import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795934710392 implements MigrationInterface {
    name = 'InitialSchema1795934710392';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "workflow_instance" ("workflow_name" varchar(64) NOT NULL, "instance_id" varchar(100) NOT NULL, "run_number" integer NOT NULL, "status" varchar(32) NOT NULL, "params" text, "output" text, "error_name" varchar(256), "error_message" text, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "started_at" bigint, "completed_at" bigint, PRIMARY KEY ("workflow_name", "instance_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_instance_created" ON "workflow_instance" ("workflow_name", "created_at", "instance_id") `);
        await queryRunner.query(`CREATE INDEX "idx_workflow_instance_status_created" ON "workflow_instance" ("workflow_name", "status", "created_at", "instance_id") `);
        await queryRunner.query(`CREATE TABLE "workflow_task" ("workflow_name" varchar(64) NOT NULL, "instance_id" varchar(100) NOT NULL, "run_number" integer NOT NULL, "kind" smallint NOT NULL, "due_at" bigint, "lease_owner" varchar(128), "lease_token" varchar(64), "lease_expires_at" bigint, PRIMARY KEY ("workflow_name", "instance_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_task_due" ON "workflow_task" ("kind", "due_at") `);
        await queryRunner.query(`CREATE TABLE "workflow_step" ("workflow_name" varchar(64) NOT NULL, "instance_id" varchar(100) NOT NULL, "run_number" integer NOT NULL, "name" varchar(256) NOT NULL, "id" varchar(64) NOT NULL, "seq" integer NOT NULL, "type" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL, "max_attempts" integer, "timeout_ms" bigint, "next_retry_at" bigint, "wake_at" bigint, "wait_event_type" varchar(100), "result" text, "error_name" varchar(256), "error_message" text, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, PRIMARY KEY ("workflow_name", "instance_id", "run_number", "name"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_step_seq" ON "workflow_step" ("workflow_name", "instance_id", "run_number", "seq") `);
        await queryRunner.query(`CREATE TABLE "workflow_event" ("workflow_name" varchar(64) NOT NULL, "instance_id" varchar(100) NOT NULL, "id" varchar(100) NOT NULL, "run_number" integer NOT NULL, "seq" integer NOT NULL, "type" varchar(100) NOT NULL, "payload" text, "created_at" bigint NOT NULL, "delivered_at" bigint, "consumed_by_step" varchar(256), PRIMARY KEY ("workflow_name", "instance_id", "id"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_event_seq" ON "workflow_event" ("workflow_name", "instance_id", "run_number", "seq") `);
        await queryRunner.query(`CREATE INDEX "idx_workflow_event_type" ON "workflow_event" ("workflow_name", "instance_id", "run_number", "type", "seq") `);
        await queryRunner.query(`CREATE TABLE "workflow_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "workflow_name" varchar(64) NOT NULL, "instance_id" varchar(100) NOT NULL, "run_number" integer NOT NULL, "step_name" varchar(256), "attempt" integer, "level" varchar(8) NOT NULL, "category" varchar(64) NOT NULL, "message" text NOT NULL, "data" text, "is_replay" boolean NOT NULL, "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_log_run" ON "workflow_log" ("workflow_name", "instance_id", "run_number", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "idx_workflow_log_run"`);
        await queryRunner.query(`DROP TABLE "workflow_log"`);
        await queryRunner.query(`DROP INDEX "idx_workflow_event_type"`);
        await queryRunner.query(`DROP INDEX "idx_workflow_event_seq"`);
        await queryRunner.query(`DROP TABLE "workflow_event"`);
        await queryRunner.query(`DROP INDEX "idx_workflow_step_seq"`);
        await queryRunner.query(`DROP TABLE "workflow_step"`);
        await queryRunner.query(`DROP INDEX "idx_workflow_task_due"`);
        await queryRunner.query(`DROP TABLE "workflow_task"`);
        await queryRunner.query(`DROP INDEX "idx_workflow_instance_status_created"`);
        await queryRunner.query(`DROP INDEX "idx_workflow_instance_created"`);
        await queryRunner.query(`DROP TABLE "workflow_instance"`);
    }

}
