import { Injectable } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/**
 * The metrics of a process that serves none (a worker or a beat without METRICS_PORT, a one-off
 * command): nothing could ever read them, so nothing is recorded, and the process does not load
 * prom-client nor run its default collectors.
 */
@Injectable()
export class UnservedMetrics extends MetricsService {
  observeQueues(): void {}
  httpRequest(): void {}
  cacheResult(): void {}
  localCacheCopy(): void {}
  taskFinished(): void {}
  taskRateLimited(): void {}
  taskTimeLimitExceeded(): void {}
  taskTerminated(): void {}
  beatTick(): void {}
}
