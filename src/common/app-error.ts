/**
 * Every code an {@link AppError} can carry: part of the API (clients and scripts match on them),
 * so a code is added here, never spelled ad hoc, and the compiler checks every comparison.
 */
export type AppErrorCode =
  /** No banner has this id (or it is deleted). */
  | 'BANNER_NOT_FOUND'
  /** The cache Redis cannot take a write or an eviction. */
  | 'CACHE_UNAVAILABLE'
  /** MySQL does not answer. */
  | 'DATABASE_UNAVAILABLE'
  /** An Idempotency-Key header that is empty, too long or not printable ASCII. */
  | 'IDEMPOTENCY_KEY_INVALID'
  /** An Idempotency-Key already used, within TASK_RESULT_TTL, with another request body. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The queue Redis is out of memory and refuses writes. */
  | 'TASK_BROKER_FULL'
  /** The task's arguments take more than TASK_MAX_ARGS_BYTES as JSON. */
  | 'TASK_ARGS_TOO_LARGE'
  /** The queue Redis does not answer within QUEUE_TIMEOUT_MS. */
  | 'TASK_BROKER_UNAVAILABLE'
  /** The arguments do not fit the task's parameters. */
  | 'TASK_INVALID_ARGS'
  /** A caller-chosen task id is not a UUID. */
  | 'TASK_INVALID_ID'
  /** A per-call option (queue, priority) is not valid. */
  | 'TASK_INVALID_OPTION'
  /** The countdown or eta is not valid. */
  | 'TASK_INVALID_SCHEDULE'
  /** No task has this id: it never existed or its result expired. */
  | 'TASK_NOT_FOUND'
  /** The task is running or finished, so it cannot be revoked. */
  | 'TASK_NOT_REVOCABLE'
  /** No task has this name. */
  | 'TASK_UNKNOWN'
  /** The workflow has already finished, so it cannot be revoked. */
  | 'WORKFLOW_FINISHED'
  /** The canvas is malformed, or one of its steps names an unknown task or bad arguments. */
  | 'WORKFLOW_INVALID'
  /** No workflow has this id: it never existed or it expired. */
  | 'WORKFLOW_NOT_FOUND'
  /** The canvas nests deeper than 8 levels. */
  | 'WORKFLOW_TOO_DEEP'
  /** The canvas has more than 10,000 tasks. */
  | 'WORKFLOW_TOO_LARGE';

/**
 * An expected failure with a stable code. Services throw these (never HTTP exceptions, since the
 * worker and the CLI call the same services); {@link HttpErrorFilter} maps them to HTTP.
 */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly kind: AppErrorKind,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** What went wrong, in terms any caller understands; the HTTP filter maps each to a status. */
export type AppErrorKind = 'invalid' | 'not_found' | 'conflict' | 'too_large' | 'unprocessable' | 'unavailable';
