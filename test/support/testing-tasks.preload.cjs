// Preloaded into `node dist/main` by the e2e and fault suites (`node --require`): gives the built
// application the testing tasks of test/fixtures/testing-tasks, which the build does not contain.
// TypeScript files under test/ are transpiled as they load, and their imports of src/ resolve to
// the build under test in dist/, so they share its modules (the task decorator, AppModule).
'use strict';
const { readFileSync } = require('node:fs');
const { registerHooks } = require('node:module');
const { dirname, join, resolve, sep } = require('node:path');
const { fileURLToPath, pathToFileURL } = require('node:url');
const ts = require('typescript');

const ROOT = resolve(__dirname, '..', '..');
const SRC = join(ROOT, 'src') + sep;
const TEST = join(ROOT, 'test') + sep;
const DIST = join(ROOT, 'dist') + sep;

const COMPILER_OPTIONS = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2023,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
};

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL?.startsWith('file:') ? fileURLToPath(context.parentURL) : undefined;
    if (parent?.startsWith(TEST) && parent.endsWith('.ts') && specifier.startsWith('.')) {
      const target = resolve(dirname(parent), specifier);
      if (target.startsWith(SRC))
        return { url: pathToFileURL(`${DIST}${target.slice(SRC.length)}.js`).href, format: 'commonjs', shortCircuit: true };
      if (target.startsWith(TEST)) return { url: pathToFileURL(`${target}.ts`).href, format: 'commonjs', shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    const path = url.startsWith('file:') ? fileURLToPath(url) : '';
    if (!path.startsWith(TEST) || !path.endsWith('.ts')) return nextLoad(url, context);
    const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), { compilerOptions: COMPILER_OPTIONS, fileName: path });
    return { format: 'commonjs', source: outputText, shortCircuit: true };
  },
});

// A thread of isolated tasks (which inherits this preload) needs the hooks to load a task's file,
// not the application.
if (require('node:worker_threads').isMainThread) require('../fixtures/testing-tasks/include-testing-tasks.ts').includeTestingTasks();
