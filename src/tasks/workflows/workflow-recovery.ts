import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { WorkflowsService } from './workflows.service';

/** How often a worker looks for workflows due a recovery check. */
const CHECK_EVERY_MS = 1_000;
/** Workflows one look takes at most; the others wait for the next look, here or in another worker. */
const WORKFLOWS_PER_CHECK = 10;

/**
 * In a worker, makes up every second the group members' counts that workers killed at the wrong
 * moment lost (see WorkflowsService.recoverDue).
 */
@Injectable()
export class WorkflowRecovery implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkflowRecovery.name);
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private failing = false;

  constructor(private readonly workflows: WorkflowsService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.checking ??= this.check().finally(() => (this.checking = undefined));
    }, CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** Before the broker's connections close, so that a check under way ends. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  private async check(): Promise<void> {
    try {
      await this.workflows.recoverDue(WORKFLOWS_PER_CHECK);
      if (this.failing) this.logger.log('Workflow recovery checks work again');
      this.failing = false;
    } catch (error) {
      // Once per outage: the check runs every second.
      if (!this.failing) this.logger.warn({ err: error }, 'A workflow recovery check failed; the next ones try again');
      this.failing = true;
    }
  }
}
