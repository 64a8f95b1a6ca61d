import { declaredTasks, type TaskHandler } from '../task.decorator';
import { type RegisteredTask, TaskDeclarationError } from '../task.registry';

/** A handler class a thread can build: no constructor arguments, since no injector runs there. */
type IsolatedHandlerClass = new () => TaskHandler;

/**
 * Loads the file an isolated task names and returns the class it marks `@Task` for that task. The
 * worker calls it at start, so that a declaration that cannot work stops the start; each thread
 * calls it again to build its own instance.
 * @throws TaskDeclarationError naming the task, the file and what to fix.
 */
export function loadIsolatedHandler({ name, handlerFile }: Pick<RegisteredTask, 'name' | 'handlerFile'>): IsolatedHandlerClass {
  const label = `Isolated task "${name}" (handlerFile ${handlerFile})`;
  try {
    require(handlerFile!); // eslint-disable-line @typescript-eslint/no-require-imports -- a path known at run time only
  } catch (error) {
    throw new TaskDeclarationError(`${label}: the file cannot be loaded (${(error as Error).message})`);
  }
  const target = declaredTasks().find((declaration) => declaration.options.name === name && declaration.target)?.target;
  if (!target) throw new TaskDeclarationError(`${label}: the file marks no class @Task for it: point handlerFile at the file of its class`);
  const injected = (Reflect.getMetadata('design:paramtypes', target) as unknown[] | undefined)?.length ?? target.length;
  if (injected > 0) {
    throw new TaskDeclarationError(
      `${label}: class ${target.name} takes constructor arguments, but a thread builds it with none: ` +
        'an isolated handler cannot have injected dependencies',
    );
  }
  if (typeof (target.prototype as { run?: unknown }).run !== 'function') {
    throw new TaskDeclarationError(`${label}: class ${target.name} has no run(args, context) method: implement TaskHandler`);
  }
  return target as unknown as IsolatedHandlerClass;
}
