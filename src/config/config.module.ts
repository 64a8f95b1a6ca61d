import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, parseConfig } from './app-config';

/** Reads `.env` from the working directory into the environment, when there is one; variables already set win. */
function loadEnvFile(): void {
  try {
    process.loadEnvFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The validated configuration and the global module that provides it. */
export interface LoadedConfig {
  readonly config: AppConfig;
  readonly module: DynamicModule;
}

@Module({})
export class AppConfigModule {
  /**
   * Reads `.env` (when present, with Node's own parser) and the process environment, validates
   * them once with {@link parseConfig} and provides the typed {@link AppConfig} to every module.
   * Called before the application is composed, so a bad value stops the start before any
   * connection is opened.
   * @param overrides take precedence over both (the e2e tests give each run its own names).
   * @throws ConfigError naming the first bad variable.
   */
  static load(overrides: Readonly<Record<string, string>> = {}): LoadedConfig {
    loadEnvFile();
    const config = parseConfig({ ...process.env, ...overrides });
    return {
      config,
      module: {
        module: AppConfigModule,
        global: true,
        providers: [{ provide: AppConfig, useValue: config }],
        exports: [AppConfig],
      },
    };
  }
}
