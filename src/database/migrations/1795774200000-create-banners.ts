import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `banners` table. `IDX_banners_home` serves the home query (`is_delete = 0 AND is_show = 1
 * ORDER BY orders DESC, id DESC LIMIT n`) as a backward range scan, without a sort.
 */
export class CreateBanners1795774200000 implements MigrationInterface {
  name = 'CreateBanners1795774200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE \`banners\` (
        \`id\` int unsigned NOT NULL AUTO_INCREMENT,
        \`name\` varchar(64) NOT NULL,
        \`image\` varchar(255) NOT NULL,
        \`link\` varchar(255) NOT NULL,
        \`info\` varchar(1024) NOT NULL DEFAULT '',
        \`orders\` int NOT NULL DEFAULT 0,
        \`is_show\` tinyint NOT NULL DEFAULT 1,
        \`is_delete\` tinyint NOT NULL DEFAULT 0,
        \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (\`id\`),
        INDEX \`IDX_banners_home\` (\`is_delete\`, \`is_show\`, \`orders\`, \`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `banners`');
  }
}
