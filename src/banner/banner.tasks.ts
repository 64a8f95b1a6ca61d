import { declareTask } from '../tasks/runtime/task.decorator';

/** The task that recomputes the cached home banner list (the seed's `update_banner_list`). */
export const UPDATE_BANNER_LIST_TASK = 'update_banner_list';

/**
 * Declared apart from its handler ({@link UpdateBannerListTask}), which needs MySQL and the cache:
 * the beat and the api enqueue it without loading either. On a queue of its own, so that a
 * backlog of other tasks never delays a cache refresh after an admin write.
 */
export const UPDATE_BANNER_LIST = declareTask({ name: UPDATE_BANNER_LIST_TASK, params: [], queue: 'banner' });
