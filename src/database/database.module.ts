import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseReadinessCheck } from './database-readiness.check';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source.options';
import { ensureDatabaseExists, runMigrationsLocked } from './database-setup';

@Module({})
export class DatabaseModule {
  /**
   * @param runMigrations whether this process applies pending migrations at start (roles that
   * serve HTTP do, unless `MIGRATIONS_RUN=false`).
   */
  static forRoot({ runMigrations }: { runMigrations: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [DatabaseReadinessCheck],
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            await ensureDatabaseExists(config.database);
            return { ...dataSourceOptions(config), retryAttempts: 3, retryDelay: 1_000 };
          },
          dataSourceFactory: async (options) => {
            if (!options) throw new Error('TypeORM options are missing');
            const dataSource = await new DataSource(options).initialize();
            if (runMigrations) await runMigrationsLocked(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}
