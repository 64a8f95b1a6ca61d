import { IsIn, IsOptional } from 'class-validator';

/** `DELETE /api/admin/tasks/:id?terminate=` */
export class RevokeTaskQuery {
  /**
   * `true` stops a running task too (Celery's `revoke(terminate=True)`): its worker aborts the
   * handler's signal and, after a grace of 2 s, its run; it ends REVOKED and is never retried.
   * @defaultValue false: a running task answers 409
   */
  @IsOptional()
  @IsIn(['true', 'false'])
  readonly terminate?: 'true' | 'false';
}
