import { checkBearerToken } from '../auth/bearer-token';
import { secretDigest } from '../auth/same-secret';

/** What an anonymous caller learns from readiness: up or not, and nothing about the dependencies. */
export interface ReadinessStatus {
  readonly status: string;
}

/**
 * Readiness as this caller may see it: the report with each dependency and its error for the admin
 * Bearer token, the status alone for anyone else (a probe needs no more, and the details name the
 * internal hosts and their failures).
 */
export function readinessView<Report extends ReadinessStatus>(
  report: Report,
  authorization: string | undefined,
  adminToken: string | undefined,
): Report | ReadinessStatus {
  const detailed = adminToken !== undefined && checkBearerToken(authorization, secretDigest(adminToken)) === 'granted';
  return detailed ? report : { status: report.status };
}
