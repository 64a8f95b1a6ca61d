/** A refresh of the cached home list, enqueued as `update_banner_list`. */
export class BannerRefresh {
  /** Follow it at `GET /api/admin/tasks/{taskId}`. @example '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10' */
  taskId: string;
}
