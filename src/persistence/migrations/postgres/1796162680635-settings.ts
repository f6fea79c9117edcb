import { MigrationInterface, QueryRunner } from 'typeorm';

export class Settings1796162680635 implements MigrationInterface {
    name = 'Settings1796162680635'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "workflow_setting" ("name" character varying(64) NOT NULL, "value" text NOT NULL, CONSTRAINT "PK_68419b7b819b72e19c6aa86213d" PRIMARY KEY ("name"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "workflow_setting"`);
    }

}
