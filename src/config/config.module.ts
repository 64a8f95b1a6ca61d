import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig, parseConfig } from './app-config';

/** The validated configuration and the global module that provides it. */
export interface LoadedConfig {
  readonly config: AppConfig;
  readonly module: DynamicModule;
}

@Module({})
export class AppConfigModule {
  /**
   * Reads `.env` (when present) and the process environment through @nestjs/config, validates
   * them once with {@link parseConfig} and provides the typed {@link AppConfig} to every module.
   * Called before the application is composed, so a bad value stops the start before any
   * connection is opened.
   * @param overrides take precedence over both (the e2e tests give each run its own names).
   * @throws ConfigError naming the first bad variable.
   */
  static async load(overrides: Readonly<Record<string, string>> = {}): Promise<LoadedConfig> {
    let config: AppConfig | undefined;
    const nestConfig = await ConfigModule.forRoot({
      cache: true,
      validate: (env) => {
        config = parseConfig({ ...env, ...overrides });
        return env;
      },
    });
    if (!config) throw new Error('@nestjs/config did not call the validator');
    return {
      config,
      module: {
        module: AppConfigModule,
        global: true,
        imports: [nestConfig],
        providers: [{ provide: AppConfig, useValue: config }],
        exports: [AppConfig],
      },
    };
  }
}
