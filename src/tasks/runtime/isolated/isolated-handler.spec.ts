import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskDeclarationError } from '../task.registry';
import { loadIsolatedHandler } from './isolated-handler';

const DECORATOR = JSON.stringify(join(__dirname, '..', 'task.decorator'));

/** A handler file as a thread finds it: a module whose class is marked @Task. */
const handlerFile = (name: string, classBody: string) =>
  `const { Task } = require(${DECORATOR});\n` +
  `class Handler { ${classBody} }\n` +
  `Task({ name: ${JSON.stringify(name)}, params: [], isolated: true, handlerFile: __filename })(Handler);\n` +
  'module.exports = { Handler };\n';

describe('loadIsolatedHandler', () => {
  let directory: string;
  const file = (basename: string, text: string) => {
    const path = join(directory, basename);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'isolated-handler-'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('loads the file and returns the class it marks @Task for the task, which builds with no arguments', () => {
    const path = file('good.js', handlerFile('iso.good', 'run([n]) { return n * 2; }'));

    const Sut = loadIsolatedHandler({ name: 'iso.good', handlerFile: path });

    expect(new Sut().run([21], {} as never)).toBe(42);
  });

  it.each<[string, () => string, string]>([
    ['does not exist', () => join(directory, 'absent.js'), 'the file cannot be loaded (Cannot find module'],
    ['throws when loaded', () => file('broken.js', "throw new Error('no database here');"), 'the file cannot be loaded (no database here)'],
    [
      'marks no class for the task',
      () => file('other.js', handlerFile('iso.other', 'run() {}')),
      'the file marks no class @Task for it: point handlerFile at the file of its class',
    ],
    [
      'has a class that takes constructor arguments',
      () => file('injected.js', handlerFile('iso.checked', 'constructor(repository) { this.repository = repository; } run() {}')),
      'class Handler takes constructor arguments, but a thread builds it with none: an isolated handler cannot have injected dependencies',
    ],
  ])('refuses a handler file that %s, naming the task and the file', (_, path, message) => {
    const handler = { name: 'iso.checked', handlerFile: path() };
    const sut = () => loadIsolatedHandler(handler);

    expect(sut).toThrow(TaskDeclarationError);
    expect(sut).toThrow(`Isolated task "iso.checked" (handlerFile ${handler.handlerFile}): ${message}`);
  });

  it('refuses a class with no run method', () => {
    const path = file('norun.js', handlerFile('iso.norun', 'go() {}'));

    expect(() => loadIsolatedHandler({ name: 'iso.norun', handlerFile: path })).toThrow(
      `Isolated task "iso.norun" (handlerFile ${path}): class Handler has no run(args, context) method: implement TaskHandler`,
    );
  });
});
