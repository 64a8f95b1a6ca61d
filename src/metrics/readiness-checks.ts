import { Injectable } from '@nestjs/common';

/** Answers when the dependency does, throws (or never settles) when it does not. */
export type ReadinessPing = () => Promise<unknown>;

/**
 * The dependencies the readiness probe on METRICS_PORT checks. The module that owns a dependency
 * adds its check at start (the tasks the broker, the database MySQL), so this foundation module
 * loads none of their code: a beat, which has no database, simply has no `mysql` check.
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessPing>();

  add(name: string, ping: ReadinessPing): void {
    this.checks.set(name, ping);
  }

  all(): ReadonlyArray<readonly [name: string, ping: ReadinessPing]> {
    return [...this.checks];
  }
}
