import { MigrationInterface, QueryRunner } from 'typeorm';
import { shiftRunNumbers } from '../shift-run-numbers';

/** Runs are numbered from 0, as the original fragment numbers them: every stored run moves down one. */
export class ZeroBasedRunNumbers1796200000001 implements MigrationInterface {
    name = 'ZeroBasedRunNumbers1796200000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await shiftRunNumbers(queryRunner, 'sqlite', -1);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await shiftRunNumbers(queryRunner, 'sqlite', 1);
    }
}
