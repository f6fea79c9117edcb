import { MigrationInterface, QueryRunner } from 'typeorm';
import { shiftRunNumbers } from '../shift-run-numbers';

/** Runs are numbered from 0, as the original fragment numbers them: every stored run moves down one. */
export class ZeroBasedRunNumbers1796200000000 implements MigrationInterface {
    name = 'ZeroBasedRunNumbers1796200000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await shiftRunNumbers(queryRunner, 'postgres', -1);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await shiftRunNumbers(queryRunner, 'postgres', 1);
    }
}
