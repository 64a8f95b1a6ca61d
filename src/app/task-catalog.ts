/**
 * Every task of the build by its declaration (a `<feature>.tasks.ts` file that imports nothing
 * else), loaded by every process: the api, the beat and the CLI know each task they may enqueue
 * without loading what its handler needs to run. A feature with tasks adds its file here.
 */
import '../banner/banner.tasks';
import '../tasks/seed/seed.tasks';
