import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BannerSeedService, type DemoSeedResult } from './banner/banner-seed.service';
import { BannerModule } from './banner/banner.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { MetricsModule } from './metrics/metrics.module';

@Module({})
class SeedModule {}

/** `--if-empty`: what `npm start` runs before the service, so a fresh database shows the demo. */
const IF_EMPTY_FLAG = '--if-empty';

export interface SeedOptions {
  /** Insert only when the banners table has no row at all. @defaultValue false */
  readonly ifEmpty?: boolean;
}

/**
 * `npm run seed`: creates the database and applies the migrations if needed, then inserts the
 * demo banners that are missing (running it again inserts nothing) and refreshes their cache.
 * @param overrides take precedence over `.env` and the environment (the e2e tests use them).
 * @returns what was inserted, or `undefined` when `ifEmpty` found rows and left them alone.
 */
export async function runSeed(
  overrides: Readonly<Record<string, string>> = {},
  { ifEmpty = false }: SeedOptions = {},
): Promise<DemoSeedResult | undefined> {
  const loaded = AppConfigModule.load(overrides);
  const app = await NestFactory.createApplicationContext(
    {
      module: SeedModule,
      imports: [
        loaded.module,
        MetricsModule.forRoles(new Set(), loaded.config),
        DatabaseModule.forRoot({ runMigrations: true }),
        BannerModule,
      ],
    },
    { logger: ['error', 'warn'], abortOnError: false },
  );
  try {
    const seeder = app.get(BannerSeedService);
    return await (ifEmpty ? seeder.seedDemoIfEmpty() : seeder.seedDemo());
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== IF_EMPTY_FLAG);
  if (unknown.length > 0) {
    console.error(`Unknown argument ${unknown[0]}: the seed takes only ${IF_EMPTY_FLAG}`);
    process.exit(2);
  }
  const ifEmpty = args.includes(IF_EMPTY_FLAG);
  runSeed({}, { ifEmpty }).then(
    (result) => {
      // One line, and none when `--if-empty` left a table in use alone.
      if (!result) return;
      console.log(
        ifEmpty
          ? `The banners table was empty: inserted ${result.inserted} demo banners`
          : `Demo banners: ${result.inserted} inserted, ${result.existing} already there`,
      );
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
