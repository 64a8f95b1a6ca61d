// Preloaded into the processes of the memory figure (`node --require`). It does nothing until the
// bench, having read their resident memory, sends SIGUSR2: then it forces a full garbage collection
// and writes one line to stderr, `{"heapProbe":{…}}`, with V8's heap before it and the live heap
// after it, in bytes. It changes no V8 setting before that signal (gc is exposed only then).
'use strict';
const v8 = require('node:v8');
const { runInNewContext } = require('node:vm');
const { writeSync } = require('node:fs');

process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  const youngGeneration = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  // Twice: the first collection's finalizers can free more.
  gc();
  gc();
  const after = process.memoryUsage();
  const heapProbe = {
    heapTotalBefore: before.heapTotal,
    youngGenerationBefore: youngGeneration ? youngGeneration.space_size : 0,
    liveHeap: after.heapUsed,
    external: after.external,
  };
  // One write of a whole line: it cannot interleave with the service's log lines in the same file.
  writeSync(2, `${JSON.stringify({ heapProbe })}\n`);
});
