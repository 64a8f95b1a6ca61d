/**
 * The dependency rules of src/ (`npm run check:deps`, part of `npm test`): no import cycles, and
 * imports go one way, from the composition (entry points, src/app/) down to the features and from
 * the features down to the foundation they share.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const FOUNDATION = '^src/(auth|cache|common|config|database|logging|metrics|openapi|security)/';
const FEATURES = '^src/(banner|beat|dashboard|health|home|tasks)/';
/** Entry points and src/app/ compose the application: they may import anything, nothing imports them. */
const COMPOSITION = '^src/(app/|app\\.module\\.ts$|bootstrap\\.ts$|main\\.ts$|command-line\\.ts$|seed\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle ties modules together (and breaks Nest injection order): break it with a leaf file.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-upward-to-composition',
      severity: 'error',
      comment: 'Only the entry points and src/app/ compose roles; a module never imports them.',
      from: { path: '^src/', pathNot: COMPOSITION },
      to: { path: COMPOSITION },
    },
    {
      name: 'foundation-not-to-features',
      severity: 'error',
      comment: 'The shared foundation (cache, config, metrics…) knows no feature: features report to it.',
      from: { path: FOUNDATION, pathNot: COMPOSITION },
      to: { path: FEATURES },
    },
    {
      name: 'tasks-not-to-features',
      severity: 'error',
      comment: 'The task runtime serves every feature and knows none of them.',
      from: { path: '^src/tasks/' },
      to: { path: '^src/(banner|beat|dashboard|health|home)/' },
    },
    {
      name: 'tasks-internals-stay-inside',
      severity: 'error',
      comment:
        'Outside src/tasks, use TasksModule, TasksService, TaskBroker, the task decorator and the task-state types; ' +
        'the registry, the repository and the queues are internal (the composition imports the worker and monitor modules).',
      from: { path: '^src/', pathNot: ['^src/tasks/', COMPOSITION] },
      to: { path: '^src/tasks/(runtime|admin|seed|testing)/', pathNot: '^src/tasks/runtime/(task\\.decorator|task-state)\\.ts$' },
    },
    {
      name: 'runtime-not-to-http-layer',
      severity: 'error',
      comment: 'The task runtime runs in the worker and the CLI: it never imports the admin HTTP layer.',
      from: { path: '^src/tasks/(runtime|seed)/' },
      to: { path: '^src/tasks/admin/' },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Production code never imports test code.',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'A devDependency is absent from the production image (npm ci --omit=dev).',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
