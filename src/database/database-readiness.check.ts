import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadinessChecks } from '../metrics/readiness-checks';

/** A process with a database (api, worker) is ready only while MySQL answers: the `mysql` check. */
@Injectable()
export class DatabaseReadinessCheck {
  constructor(checks: ReadinessChecks, dataSource: DataSource) {
    checks.add('mysql', () => dataSource.query('SELECT 1'));
  }
}
