import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795934709626 implements MigrationInterface {
    name = 'InitialSchema1795934709626';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "workflow_instance" ("workflow_name" character varying(64) NOT NULL, "instance_id" character varying(100) NOT NULL, "run_number" integer NOT NULL, "status" character varying(32) NOT NULL, "params" text, "output" text, "error_name" character varying(256), "error_message" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b2a3ff14696f1e0a16e5bcaadd0" PRIMARY KEY ("workflow_name", "instance_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_instance_created" ON "workflow_instance"  ("workflow_name", "created_at", "instance_id") `);
        await queryRunner.query(`CREATE INDEX "idx_workflow_instance_status_created" ON "workflow_instance"  ("workflow_name", "status", "created_at", "instance_id") `);
        await queryRunner.query(`CREATE TABLE "workflow_task" ("workflow_name" character varying(64) NOT NULL, "instance_id" character varying(100) NOT NULL, "run_number" integer NOT NULL, "kind" smallint NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE, "lease_owner" character varying(128), "lease_token" character varying(64), "lease_expires_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_dfe1cf3ef275b63ab0bea0c9234" PRIMARY KEY ("workflow_name", "instance_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_task_due" ON "workflow_task"  ("kind", "due_at") `);
        await queryRunner.query(`CREATE TABLE "workflow_step" ("workflow_name" character varying(64) NOT NULL, "instance_id" character varying(100) NOT NULL, "run_number" integer NOT NULL, "name" character varying(256) NOT NULL, "id" character varying(64) NOT NULL, "seq" integer NOT NULL, "type" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL, "max_attempts" integer, "timeout_ms" bigint, "next_retry_at" TIMESTAMP WITH TIME ZONE, "wake_at" TIMESTAMP WITH TIME ZONE, "wait_event_type" character varying(100), "result" text, "error_name" character varying(256), "error_message" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_b57af885ef1ad4b0d791484f581" PRIMARY KEY ("workflow_name", "instance_id", "run_number", "name"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_step_seq" ON "workflow_step"  ("workflow_name", "instance_id", "run_number", "seq") `);
        await queryRunner.query(`CREATE TABLE "workflow_event" ("workflow_name" character varying(64) NOT NULL, "instance_id" character varying(100) NOT NULL, "id" character varying(100) NOT NULL, "run_number" integer NOT NULL, "seq" integer NOT NULL, "type" character varying(100) NOT NULL, "payload" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivered_at" TIMESTAMP WITH TIME ZONE, "consumed_by_step" character varying(256), CONSTRAINT "PK_c2a39c6a2e9d1174b284dd6efd6" PRIMARY KEY ("workflow_name", "instance_id", "id"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_event_seq" ON "workflow_event"  ("workflow_name", "instance_id", "run_number", "seq") `);
        await queryRunner.query(`CREATE INDEX "idx_workflow_event_type" ON "workflow_event"  ("workflow_name", "instance_id", "run_number", "type", "seq") `);
        await queryRunner.query(`CREATE TABLE "workflow_log" ("id" BIGSERIAL NOT NULL, "workflow_name" character varying(64) NOT NULL, "instance_id" character varying(100) NOT NULL, "run_number" integer NOT NULL, "step_name" character varying(256), "attempt" integer, "level" character varying(8) NOT NULL, "category" character varying(64) NOT NULL, "message" text NOT NULL, "data" text, "is_replay" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_1c557745d8d55b468018fbe4373" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_workflow_log_run" ON "workflow_log"  ("workflow_name", "instance_id", "run_number", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_log_run"`);
        await queryRunner.query(`DROP TABLE "workflow_log"`);
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_event_type"`);
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_event_seq"`);
        await queryRunner.query(`DROP TABLE "workflow_event"`);
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_step_seq"`);
        await queryRunner.query(`DROP TABLE "workflow_step"`);
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_task_due"`);
        await queryRunner.query(`DROP TABLE "workflow_task"`);
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_instance_status_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_workflow_instance_created"`);
        await queryRunner.query(`DROP TABLE "workflow_instance"`);
    }

}
