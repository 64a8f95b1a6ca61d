// Preloaded into the processes of the memory figure (`node --require`). It does nothing until the
// bench signals it, and writes one line to stderr per signal, in bytes:
// - SIGWINCH, sent as the resident memory after the load is read: `{"heapNow":{…}}`, V8's heap as
//   it stands, garbage and all, without collecting, the memory outside it that V8 is told of
//   (buffers among it), and what V8 itself has allocated beside its heap. SIGWINCH because a
//   process without this preload ignores it, and Node reserves SIGUSR1 for its inspector;
// - SIGUSR2, sent at the end: `{"heapProbe":{…}}`, a full garbage collection forced, with V8's heap
//   before it and the live heap after it. It changes no V8 setting before that signal (gc is
//   exposed only then).
'use strict';
const v8 = require('node:v8');
const { runInNewContext } = require('node:vm');
const { writeSync } = require('node:fs');

const youngGenerationSize = () => {
  const space = v8.getHeapSpaceStatistics().find((candidate) => candidate.space_name === 'new_space');
  return space ? space.space_size : 0;
};

// One write of a whole line: it cannot interleave with the service's log lines in the same file.
const report = (line) => writeSync(2, `${JSON.stringify(line)}\n`);

process.on('SIGWINCH', () => {
  const { heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  // V8's own memory beside its heap (its compilers' zones among it): now, and the most it has held.
  const { malloced_memory: malloced, peak_malloced_memory: peakMalloced } = v8.getHeapStatistics();
  report({ heapNow: { heapTotal, heapUsed, youngGeneration: youngGenerationSize(), external, arrayBuffers, malloced, peakMalloced } });
});

process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  const youngGeneration = youngGenerationSize();
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  // Twice: the first collection's finalizers can free more.
  gc();
  gc();
  const after = process.memoryUsage();
  report({
    heapProbe: {
      heapTotalBefore: before.heapTotal,
      youngGenerationBefore: youngGeneration,
      liveHeap: after.heapUsed,
      external: after.external,
    },
  });
});
