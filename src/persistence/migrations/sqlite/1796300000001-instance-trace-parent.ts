import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * By hand: the generator copies the whole table into a new one to add a column; a nullable
 * column without a default is added in place, however many instances the table holds.
 */
export class InstanceTraceParent1796300000001 implements MigrationInterface {
    name = 'InstanceTraceParent1796300000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_instance" ADD COLUMN "trace_parent" varchar(55)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_instance" DROP COLUMN "trace_parent"`);
    }

}
