import { MigrationInterface, QueryRunner } from 'typeorm';

export class InstanceTraceParent1796300000000 implements MigrationInterface {
    name = 'InstanceTraceParent1796300000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD "trace_parent" character varying(55)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "trace_parent"`);
    }

}
