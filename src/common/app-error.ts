/**
 * An expected failure with a stable code. Services throw these (never HTTP exceptions, since the
 * worker and the CLI call the same services); {@link HttpErrorFilter} maps them to HTTP.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: AppErrorKind,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** What went wrong, in terms any caller understands; the HTTP filter maps each to a status. */
export type AppErrorKind = 'invalid' | 'not_found' | 'conflict' | 'too_large' | 'unavailable';
