// Preloaded into `node dist/main` by the e2e tests (`node --require`): on SIGUSR2, writes the
// files the process has loaded (Object.keys(require.cache)) and Node's own modules it has loaded
// (process.moduleLoadList) as JSON to LOADED_MODULES_FILE, so a test can assert what a role loads
// without any hook in the application.
'use strict';
const { writeFileSync, renameSync } = require('node:fs');

const target = process.env.LOADED_MODULES_FILE;
if (!target) throw new Error('loaded-modules.preload.cjs needs LOADED_MODULES_FILE');

process.on('SIGUSR2', () => {
  // Written aside, then renamed: a reader never sees half a file.
  const builtins = process.moduleLoadList
    .filter((entry) => entry.startsWith('NativeModule '))
    .map((entry) => entry.slice('NativeModule '.length));
  writeFileSync(`${target}.partial`, JSON.stringify({ files: Object.keys(require.cache), builtins }));
  renameSync(`${target}.partial`, target);
});
