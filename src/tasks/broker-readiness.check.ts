import { Injectable } from '@nestjs/common';
import { ReadinessChecks } from '../metrics/readiness-checks';
import { TasksService } from './tasks.service';

/** Every role needs the broker: its readiness probe on METRICS_PORT checks it as `queue_redis`. */
@Injectable()
export class BrokerReadinessCheck {
  constructor(checks: ReadinessChecks, tasks: TasksService) {
    checks.add('queue_redis', () => tasks.pingBroker());
  }
}
