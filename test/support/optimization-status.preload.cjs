// Preloaded into `node --allow-natives-syntax dist/main` by the e2e tests: on SIGUSR2, asks V8 to
// optimize a function on its next call, calls it, and writes V8's optimization status of it (a
// number of bit flags, `%GetOptimizationStatus`) to OPTIMIZATION_STATUS_FILE. So a test can tell
// whether the process's optimizing compilers are on, whatever the process turned off after start.
'use strict';
const { writeFileSync, renameSync } = require('node:fs');

const target = process.env.OPTIMIZATION_STATUS_FILE;
if (!target) throw new Error('optimization-status.preload.cjs needs OPTIMIZATION_STATUS_FILE');

// V8's natives syntax, compiled only when the process runs with --allow-natives-syntax.
const prepare = new Function('f', '%PrepareFunctionForOptimization(f)');
const optimizeOnNextCall = new Function('f', '%OptimizeFunctionOnNextCall(f)');
const status = new Function('f', 'return %GetOptimizationStatus(f)');

process.on('SIGUSR2', () => {
  const sum = (a, b) => a + b;
  prepare(sum);
  sum(1, 2);
  sum(3, 4);
  optimizeOnNextCall(sum);
  sum(5, 6);
  writeFileSync(`${target}.partial`, JSON.stringify(status(sum)));
  renameSync(`${target}.partial`, target);
});
