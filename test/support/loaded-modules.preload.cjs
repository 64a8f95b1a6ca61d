// Preloaded into `node dist/main` by the e2e tests (`node --require`): on SIGUSR2, writes as JSON
// to LOADED_MODULES_FILE the files the process has loaded (Object.keys(require.cache)), Node's own
// modules it has loaded (process.moduleLoadList) and how many `Intl.DateTimeFormat`s it has built
// (the first one loads ICU's date data, about 7 MB of resident memory), so a test can assert what a
// role loads without any hook in the application.
'use strict';
const { writeFileSync, renameSync } = require('node:fs');

const target = process.env.LOADED_MODULES_FILE;
if (!target) throw new Error('loaded-modules.preload.cjs needs LOADED_MODULES_FILE');

let dateFormats = 0;
// A proxy keeps the statics (supportedLocalesOf) and `instanceof`; called with or without new.
Intl.DateTimeFormat = new Proxy(Intl.DateTimeFormat, {
  construct(real, args) {
    dateFormats++;
    return new real(...args);
  },
  apply(real, self, args) {
    dateFormats++;
    return new real(...args);
  },
});

process.on('SIGUSR2', () => {
  // Written aside, then renamed: a reader never sees half a file.
  const builtins = process.moduleLoadList
    .filter((entry) => entry.startsWith('NativeModule '))
    .map((entry) => entry.slice('NativeModule '.length));
  writeFileSync(`${target}.partial`, JSON.stringify({ files: Object.keys(require.cache), builtins, dateFormats }));
  renameSync(`${target}.partial`, target);
});
