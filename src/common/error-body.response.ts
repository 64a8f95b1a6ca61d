import { ApiJsonValue } from './api-json.decorator';

/** The JSON body of every HTTP error, whatever the route. */
export class ErrorBody {
  /** The HTTP status, repeated. @example 404 */
  statusCode: number;

  /**
   * Stable, for programs to branch on: `VALIDATION_FAILED`, `BANNER_NOT_FOUND`, `TASK_UNKNOWN`…
   * @example 'BANNER_NOT_FOUND'
   */
  code: string;

  /** For people; its wording may change. @example 'No banner has id 7' */
  message: string;

  /**
   * More about the failure, when there is more: the list of messages for `VALIDATION_FAILED`,
   * `{ problems }` for `TASK_INVALID_ARGS` and `WORKFLOW_INVALID`, the latter with `causes` (each
   * step's code and message) when a step's task, arguments or options are refused.
   */
  @ApiJsonValue()
  details?: unknown;

  /** The request's `X-Request-Id`, also on its log lines. */
  requestId: string;
}
