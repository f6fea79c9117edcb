import { MigrationInterface, QueryRunner } from 'typeorm';

export class Settings1796162682358 implements MigrationInterface {
    name = 'Settings1796162682358'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "workflow_setting" ("name" varchar(64) PRIMARY KEY NOT NULL, "value" text NOT NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "workflow_setting"`);
    }

}
