import type { INestApplicationContext } from '@nestjs/common';
import { startApplication } from '../../src/bootstrap';
import { AppConfigModule } from '../../src/config/config.module';
import { createRootLogger } from '../../src/logging/root-logger';
import { parseRoles } from '../../src/roles';
import { includeTestingTasks } from '../fixtures/testing-tasks/include-testing-tasks';

// The suites' tasks (testing.*), which the build does not contain.
includeTestingTasks();

/** The application booted in the test process, as `main.ts` composes it (plus the testing tasks). */
export interface TestApp {
  readonly app: INestApplicationContext;
  /** The HTTP base URL, when the roles include `api`. */
  readonly url?: string;
  close(): Promise<void>;
}

/**
 * Boots the real application for `roles` (as `--role` takes them) against the variables given,
 * which override `.env` and the process environment.
 */
export async function startTestApp(role: string, env: Readonly<Record<string, string>>): Promise<TestApp> {
  const roles = parseRoles(role);
  const loaded = AppConfigModule.load(env);
  const { app, url } = await startApplication(roles, loaded, createRootLogger(loaded.config, roles));
  return { app, url, close: () => app.close() };
}
