// Preloaded into `node dist/main` by the e2e tests: counts the `Intl.DateTimeFormat`s the process
// builds (the first one loads ICU's date data, about 7 MB of resident memory) and, on SIGUSR2,
// writes the count to DATE_FORMATS_FILE.
'use strict';
const { writeFileSync, renameSync } = require('node:fs');

const target = process.env.DATE_FORMATS_FILE;
if (!target) throw new Error('date-formats.preload.cjs needs DATE_FORMATS_FILE');

let built = 0;
const Real = Intl.DateTimeFormat;
// A proxy keeps the statics (supportedLocalesOf) and `instanceof`; called with or without new.
Intl.DateTimeFormat = new Proxy(Real, {
  construct(target, args) {
    built++;
    return new target(...args);
  },
  apply(target, self, args) {
    built++;
    return new target(...args);
  },
});

process.on('SIGUSR2', () => {
  writeFileSync(`${target}.partial`, JSON.stringify(built));
  renameSync(`${target}.partial`, target);
});
