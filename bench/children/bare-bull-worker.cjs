// The memory figure's reference: bare-bull.mts's worker (plain Bull, the application's queue
// settings, `add` jobs at the given concurrency) in plain JavaScript, as Node's TypeScript
// stripping would add about 17 MB to the resident memory it is compared by. Keep the settings in
// step with bare-bull.mts.
'use strict';
const Queue = require('bull');

const concurrency = Number(process.argv[2]);
const url = new URL(process.env.QUEUE_REDIS_URL ?? '');
const LOCK_MS = 30_000;

const queue = new Queue('default', {
  redis: { host: url.hostname, port: Number(url.port), db: Number(url.pathname.slice(1) || 0) },
  prefix: process.env.QUEUE_PREFIX,
  settings: { lockDuration: LOCK_MS, lockRenewTime: LOCK_MS / 2, stalledInterval: LOCK_MS, maxStalledCount: 2 },
});
void queue.process('*', concurrency, (job) => Promise.resolve(job.data.args[0] + job.data.args[1]));

// The parent's exit closes the channel: so must this child.
process.on('disconnect', () => process.exit(0));
process.send({ id: 0, body: 'ready' });
