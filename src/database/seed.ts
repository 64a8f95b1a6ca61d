import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BannerSeedService, type DemoSeedResult } from '../banner/banner-seed.service';
import { BannerModule } from '../banner/banner.module';
import { AppConfigModule } from '../config/config.module';
import { MetricsModule } from '../metrics/metrics.module';
import { DatabaseModule } from './database.module';

@Module({})
class SeedModule {}

/**
 * `npm run seed`: creates the database and applies the migrations if needed, then inserts the
 * demo banners that are missing (running it again inserts nothing) and refreshes their cache.
 * @param overrides take precedence over `.env` and the environment (the e2e tests use them).
 */
export async function runSeed(overrides: Readonly<Record<string, string>> = {}): Promise<DemoSeedResult> {
  const loaded = await AppConfigModule.load(overrides);
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
    return await app.get(BannerSeedService).seedDemo();
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  runSeed().then(
    ({ inserted, existing }) => console.log(`Demo banners: ${inserted} inserted, ${existing} already there`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
